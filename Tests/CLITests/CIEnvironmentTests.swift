import Foundation
import Testing

/// Goldens are never recorded under CI, whichever CI system runs the job; MODELCHECK_CI decides when set.
@Suite struct CIEnvironmentTests {
    @Test func goldenRecordIsRefusedUnderEveryCommonCI() throws {
        let spec = try SpecProject("g.spec", checks: "  - check: golden").spec
        for environment in [["CI": "true"], ["JENKINS_URL": "http://jenkins.example/"], ["TF_BUILD": "True"],
                            ["MODELCHECK_CI": "1"], ["CI": "false", "MODELCHECK_CI": "yes"]] {
            let r = try CLI.run(["golden", "record", spec.path], environment: environment)
            #expect(r.status == 2 && r.stderr.contains("goldens are never recorded under CI"), "\(environment): \(r.stderr)")
        }
        // Forced off, the same command gets past the refusal (and stops at the model it does not have).
        let local = try CLI.run(["golden", "record", spec.path], environment: ["CI": "true", "MODELCHECK_CI": "0"])
        #expect(local.status == 2 && !local.stderr.contains("under CI") && local.stderr.contains("model.npz"), "\(local.stderr)")
        // --ci forces CI in an environment that says nothing, and over MODELCHECK_CI=0.
        for environment in [[:], ["MODELCHECK_CI": "0"]] {
            let forced = try CLI.run(["golden", "record", spec.path, "--ci"], environment: environment)
            #expect(forced.status == 2 && forced.stderr.contains("goldens are never recorded under CI"), "\(environment): \(forced.stderr)")
        }
    }
}

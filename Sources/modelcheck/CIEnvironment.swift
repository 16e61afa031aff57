import ArgumentParser
import Foundation

/// Whether this runs under CI, where goldens are never recorded and a missing one fails.
///
/// `MODELCHECK_CI` decides when it is set (`1`/`true`/`yes` forces CI, anything else forces
/// a local run); otherwise any variable a common CI system sets counts: `CI` (GitHub Actions,
/// GitLab CI, CircleCI, Travis, Buildkite and most others), `JENKINS_URL` (Jenkins), `TF_BUILD`
/// (Azure Pipelines), `TEAMCITY_VERSION` (TeamCity), `BITBUCKET_BUILD_NUMBER` (Bitbucket).
enum CIEnvironment {
    static let override = "MODELCHECK_CI"
    static let markers = ["JENKINS_URL", "TF_BUILD", "TEAMCITY_VERSION", "BITBUCKET_BUILD_NUMBER"]

    static var isCI: Bool { isCI(ProcessInfo.processInfo.environment) }

    static func isCI(_ environment: [String: String]) -> Bool {
        func truthy(_ value: String?) -> Bool { ["true", "1", "yes"].contains(value?.lowercased() ?? "") }
        if let forced = environment[override] { return truthy(forced) }
        return truthy(environment["CI"]) || markers.contains { !(environment[$0] ?? "").isEmpty }
    }
}

/// `--ci`: run as under CI whatever the environment says.
struct CIOption: ParsableArguments {
    @Flag(name: .customLong("ci"),
          help: "Run as under CI: never record goldens, a missing golden fails. CI is also recognised by MODELCHECK_CI=1 and by CI, JENKINS_URL, TF_BUILD, TEAMCITY_VERSION or BITBUCKET_BUILD_NUMBER; MODELCHECK_CI=0 turns that off.")
    var forced = false

    var isCI: Bool { forced || CIEnvironment.isCI }
}

import Checks
import Foundation

/// The checks a spec asks for, as runnable checks in two phases.
public struct SpecChecks {
    /// Checks of the training set-up and sanity checks, run before training in `certify`.
    public let preTrain: [any Check]
    /// Checks of the trained model on the test split (those whose `sets` leave it out excepted).
    public let postTrain: [any Check]
    /// Each post-train entry's checks, with the sets the entry runs on.
    private let postTrainEntries: [(entry: Spec.Check, checks: [any Check])]

    /// Builds the checks of `spec`, each in its definition's phase; goldens identify the model by
    /// `modelSHA256` and the environment.
    public init(_ spec: Spec, modelSHA256: String, environment: [String: String]) {
        let inputs = CheckBuildInputs(modelSHA256: modelSHA256, environment: environment)
        preTrain = spec.checks.filter { $0.kind.phase == .preTrain }.flatMap { $0.checks(inputs) }
        postTrainEntries = spec.checks.filter { $0.kind.phase == .postTrain }.map { ($0, $0.checks(inputs)) }
        postTrain = postTrainEntries.filter { $0.entry.runs(on: Spec.EvaluationSet.testSplit) }.flatMap(\.checks)
    }

    /// The post-train checks that judge another labelled folder, the evaluation set `name`: those
    /// whose `sets` include it or are absent, but for those that judge the spec's own data only.
    public func onAnotherSet(_ name: String) -> [any Check] {
        postTrainEntries.filter { !$0.entry.kind.ownDataOnly && $0.entry.runs(on: name) }.flatMap(\.checks)
    }

    /// Runs `checks` in order on `context`; a check that needs outputs the model cannot give as
    /// numbers (NaN, infinity), or whose statistic cannot take them, fails with the reason, one
    /// that needs images of an empty split is INCONCLUSIVE, and the others still run.
    public static func run(_ checks: [any Check], on context: CheckContext) throws -> [CheckResult] {
        try checks.map { check in
            // What a check that could not run says instead of its own result.
            func instead(_ title: String, _ verdict: CheckResult.Verdict, samples: Int? = nil, _ message: String,
                         evidence: [String] = []) -> CheckResult {
                CheckResult(id: check.id, kind: (type(of: check) as? any CheckDefinition.Type)?.name ?? check.id, title: title,
                            severity: check.severity, verdict: verdict, samples: samples, message: message, evidence: evidence)
            }
            let clock = ContinuousClock(), started = clock.now
            func timed(_ result: CheckResult) -> CheckResult {
                var timed = result
                let elapsed = (clock.now - started).components
                timed.seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
                return timed
            }
            do {
                return timed(try check.run(context))
            } catch let outputs as NonFiniteOutputs {
                return timed(instead("needs finite model outputs", .fail, samples: outputs.total, outputs.description,
                                     evidence: [outputs.firstImage]))
            } catch let empty as EmptySplit {
                return timed(instead("needs images", .inconclusive, samples: 0, empty.description))
            } catch let statistics as StatisticsError {
                return timed(instead("needs computable statistics", .fail, "cannot be measured: \(statistics)"))
            }
        }
    }
}

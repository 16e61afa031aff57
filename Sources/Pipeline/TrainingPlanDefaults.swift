import Checks
import Foundation
import Training

/// Where a spec's run lives when the spec does not say.
public enum TrainingPlanDefaults {
    /// `training.run`, or `<spec folder>/../runs/<name>`.
    public static func runFolder(_ spec: Spec) -> URL {
        spec.training?.run ?? Spec.defaultRunFolder(specFolder: spec.file.deletingLastPathComponent(), name: spec.name)
    }
}

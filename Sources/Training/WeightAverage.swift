import BiT

/// An exponential moving average of the weights (Polyak averaging): the model that is judged and
/// saved averages the last ~1/(1 − decay) steps' weights, smoothing out the noise of the final
/// SGD steps. GroupNorm keeps no batch statistics, so averaged weights need no recalibration.
public enum WeightAverage {
    /// The decay after `steps` completed steps: `target`, but lower early on (as TensorFlow's
    /// ExponentialMovingAverage with num_updates) so the initial weights fade out quickly.
    public static func decay(_ target: Double, afterSteps steps: Int) -> Double {
        min(target, Double(1 + steps) / Double(10 + steps))
    }

    /// average ← decay·average + (1 − decay)·weights, parameter by parameter.
    public static func update(_ average: ParameterSet<Float>, toward weights: ParameterSet<Float>, decay: Double) {
        let d = Float(decay), w = 1 - d
        for name in average.names {
            let a = average.tensor(name), x = weights.tensor(name)
            for i in 0..<a.count { a.pointer[i] = d * a.pointer[i] + w * x.pointer[i] }
        }
    }
}

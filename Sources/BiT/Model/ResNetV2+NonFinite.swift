extension ResNetV2 {
    /// Where a NaN or infinity first appears on the way to these images' logits: a parameter
    /// (in checkpoint order, which is forward order), else the first layer whose output holds
    /// one; nil when every value is finite.
    ///
    /// A damaged checkpoint's NaN spreads to every later layer, so the first place is the one a
    /// user can act on; the tape of a training forward pass holds every intermediate output.
    public func firstNonFinite(_ images: Tensor<T>) -> String? {
        for name in parameters.names {
            let bad = parameters.tensor(name).nonFiniteCount
            if bad > 0 { return "parameter \(name) (\(bad) of \(parameters.tensor(name).count) values)" }
        }
        let tape = Tape()
        let logits = forward(images, kernels: standardizedKernels(), tape: tape)
        func layer(_ key: String) -> String {
            key.hasSuffix("/kernel") ? String(key.dropLast("/kernel".count))
                : key.hasSuffix("/gamma") ? String(key.dropLast("/gamma".count)) : key
        }
        var stages: [(String, Tensor<T>?)] = [(layer(Self.stemKernel), tape.stemOutput)]
        for (i, unit) in architecture.units.enumerated() {
            let k = unit.keys, recorded = tape.units[i]
            // A unit's output is the next unit's input; the last unit's is the tail's.
            let output = i + 1 < tape.units.count ? tape.units[i + 1].x : tape.tailInput
            stages += [
                ("\(layer(k.normA.gamma)) (with ReLU)", recorded.p), (layer(k.convA), recorded.h1),
                ("\(layer(k.normB.gamma)) (with ReLU)", recorded.p2), (layer(k.convB), recorded.h2),
                ("\(layer(k.normC.gamma)) (with ReLU)", recorded.p3), ("\(layer(k.convC)) plus shortcut", output),
            ]
        }
        stages += [
            ("\(layer(Self.tailNorm.gamma)) (with ReLU)", tape.tailOutput),
            ("global average pool", tape.features), ("\(layer(Self.headKernel)) (logits)", logits),
        ]
        for case let (name, tensor?) in stages {
            let bad = tensor.nonFiniteCount
            if bad > 0 { return "output of \(name) (\(bad) of \(tensor.count) values)" }
        }
        return nil
    }
}

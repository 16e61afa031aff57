import BiT
import Imaging

/// BiT's input pipeline: square resize and scaling to the value range the weights expect.
public enum Preprocessing {
    /// Evaluation preprocessing: resize straight to `resolution`² (no crop, as BiT evaluates),
    /// then scale to `valueRange`; the images stacked as an NHWC batch.
    public static func evaluationBatch(
        _ images: [RGBImage], resolution: Int, valueRange: ModelMetadata.ValueRange
    ) -> Tensor<Float> {
        let side = resolution, perImage = side * side * 3
        let batch = Tensor<Float>(zeros: [images.count, side, side, 3])
        let table = lookupTable(valueRange)
        for (i, image) in images.enumerated() {
            let resized = image.resized(width: side, height: side)
            let out = batch.pointer + i * perImage
            resized.pixels.withUnsafeBufferPointer { px in
                for j in 0..<perImage { out[j] = table[Int(px[j])] }
            }
        }
        return batch
    }

    /// Each 8-bit sample's value in the range, correctly rounded (v / 127.5 − 1 or v / 255).
    static func lookupTable(_ range: ModelMetadata.ValueRange) -> [Float] {
        switch range {
        case .minusOneToOne: return (0...255).map { Float(Double($0) / 127.5 - 1) }
        case .zeroToOne: return (0...255).map { Float(Double($0) / 255) }
        }
    }
}

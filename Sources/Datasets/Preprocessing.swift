import BiT
import Imaging

/// BiT's input pipeline: square resize, random crop and flips for training, resize only for
/// evaluation, then scaling to the value range the weights expect (docs/bit-reference.md §3).
public struct Preprocessing: Sendable, Codable, Equatable {
    /// Side training images are resized to before the random crop.
    public var resize: Int
    /// Side of the training crop, and of evaluation images (resized straight to it, no crop).
    public var crop: Int
    /// Input value range.
    public var valueRange: ModelMetadata.ValueRange
    /// Flip each training image left–right with probability 1/2.
    public var randomHorizontalFlip: Bool
    /// Flip each training image top–bottom with probability 1/2 (cells have no "up").
    public var randomVerticalFlip: Bool
    /// Transpose each training image (mirror it across its main diagonal) with probability 1/2:
    /// with both flips, every one of the square's 8 symmetries, quarter turns included, is
    /// equally likely (for images with no orientation at all, such as cells).
    public var randomTranspose: Bool

    /// A pipeline with every setting given.
    public init(resize: Int, crop: Int, valueRange: ModelMetadata.ValueRange = .minusOneToOne,
                randomHorizontalFlip: Bool = true, randomVerticalFlip: Bool = false, randomTranspose: Bool = false) {
        precondition(crop >= 1 && resize >= crop, "crop \(crop) must fit in resize \(resize)")
        (self.resize, self.crop, self.valueRange) = (resize, crop, valueRange)
        (self.randomHorizontalFlip, self.randomVerticalFlip, self.randomTranspose) = (randomHorizontalFlip, randomVerticalFlip, randomTranspose)
    }

    /// BiT-HyperRule's sizes from the dataset's typical image area: under 96×96 pixels resize
    /// to 160 and crop 128, otherwise resize to 512 and crop 480 (the released code; the paper
    /// says 448/384).
    public static func hyperRule(imageArea: Int) -> (resize: Int, crop: Int) {
        imageArea < 96 * 96 ? (160, 128) : (512, 480)
    }

    /// Evaluation: resize straight to `crop`², no randomness.
    public func evaluationImage(_ image: RGBImage) -> RGBImage {
        image.resized(width: crop, height: crop)
    }

    /// Training from an image already resized to `resize`² (the in-memory cache holds these).
    ///
    /// The numbers are drawn in a fixed order: the crop's x and y, each enabled flip, then three per
    /// augmentation (`Augmentation.draw`), so without augmentation the stream, and the images, are
    /// what they were before augmentation existed. The augmentations change the resized image
    /// before the crop, in list order: blur, pixelation and noise then act at the scale the
    /// robustness check uses (a fraction of the whole image's side, of which the crop is a part).
    /// Only JPEG can fail (libjpeg out of memory).
    public func trainingImage(resized image: RGBImage, augmentation: [Augmentation] = [],
                              rng: inout SeededRandom) throws -> RGBImage {
        let x = Int(rng.next() % UInt64(resize - crop + 1)), y = Int(rng.next() % UInt64(resize - crop + 1))
        let flipH = randomHorizontalFlip && rng.next() & 1 == 1
        let flipV = randomVerticalFlip && rng.next() & 1 == 1
        let flipT = randomTranspose && rng.next() & 1 == 1
        var out = image
        for change in augmentation.compactMap({ $0.draw(&rng) }) {
            out = try change.perturbation.apply(to: out, seed: change.seed)
        }
        out = out.cropped(x: x, y: y, width: crop, height: crop)
        if flipH { out = ImageTransform.flipHorizontal.apply(out) }
        if flipV { out = ImageTransform.flipVertical.apply(out) }
        if flipT { out = ImageTransform.transpose.apply(out) }
        return out
    }

    /// Square images of side `crop` written into row `index` of an NHWC batch, scaled to the range.
    public func write(_ image: RGBImage, into batch: Tensor<Float>, at index: Int) {
        precondition(image.width == crop && image.height == crop && batch.shape.dropFirst() == [crop, crop, 3])
        let table = Self.lookupTable(valueRange)
        let out = batch.pointer + index * crop * crop * 3
        image.pixels.withUnsafeBufferPointer { px in
            table.withUnsafeBufferPointer { t in
                for j in 0..<px.count { out[j] = t[Int(px[j])] }
            }
        }
    }

    /// Evaluation preprocessing of a list of images, stacked as an NHWC batch.
    public static func evaluationBatch(
        _ images: [RGBImage], resolution: Int, valueRange: ModelMetadata.ValueRange
    ) -> Tensor<Float> {
        let plan = Preprocessing(resize: resolution, crop: resolution, valueRange: valueRange)
        let batch = Tensor<Float>(zeros: [images.count, resolution, resolution, 3])
        for (i, image) in images.enumerated() { plan.write(plan.evaluationImage(image), into: batch, at: i) }
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

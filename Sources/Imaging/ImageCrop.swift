/// Cutting a window out of an image.
extension RGBImage {
    /// The `width`×`height` window whose top-left pixel is (x, y); it must lie inside the image.
    public func cropped(x: Int, y: Int, width w: Int, height h: Int) -> RGBImage {
        precondition(x >= 0 && y >= 0 && w > 0 && h > 0 && x + w <= width && y + h <= height,
                     "crop \(w)x\(h) at (\(x), \(y)) outside \(width)x\(height)")
        if x == 0 && y == 0 && w == width && h == height { return self }
        var out = [UInt8](repeating: 0, count: w * h * 3)
        for row in 0..<h {
            let s = ((y + row) * width + x) * 3
            out.replaceSubrange(row * w * 3..<(row + 1) * w * 3, with: pixels[s..<s + w * 3])
        }
        return RGBImage(width: w, height: h, pixels: out)
    }
}

import Formatting

/// A drawn chart: SVG markup of a fixed size, to embed in an HTML page or to write as a file.
public struct SVG: Sendable {
    /// Width in CSS pixels.
    public let width: Double
    /// Height in CSS pixels.
    public let height: Double
    /// What the picture shows, for screen readers and as the SVG's `<title>`.
    public let title: String
    /// The elements inside the root `<svg>`.
    let body: String

    /// The `<svg>` element for inline use in HTML, which needs no namespace declaration; its view box lets
    /// a stylesheet scale it (`max-width: 100%; height: auto`) without losing proportions or sharpness.
    public var markup: String { element(namespace: false) }

    /// A standalone `.svg` file: XML declaration, namespace, the same drawing.
    public var document: String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + element(namespace: true)
    }

    private func element(namespace: Bool) -> String {
        let w = SVGCanvas.number(width), h = SVGCanvas.number(height)
        let xmlns = namespace ? " xmlns=\"http://www.w3.org/2000/svg\"" : ""
        return "<svg\(xmlns) width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\" role=\"img\" "
            + "aria-label=\"\(MarkupText.escaped(title))\">\n<title>\(MarkupText.escaped(title, inAttribute: false))</title>\n"
            + body + "</svg>\n"
    }
}

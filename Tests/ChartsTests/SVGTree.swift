import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A chart's SVG read back by a real XML parser: proves the document is well-formed and gives its elements
/// and text as a reader (or a search) sees them, with every escape decoded.
struct SVGTree {
    struct Element {
        let name: String
        let attributes: [String: String]
        /// The character data inside the element, decoded; a tooltip's text counts only for the `<title>` itself.
        var text = ""
        /// The names of the elements it lies inside, outermost first.
        let ancestors: [String]

        func number(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }
    }

    private(set) var elements: [Element] = []

    /// Parses `document`; nil when it is not well-formed XML.
    init?(_ document: String) {
        let collector = Collector()
        let parser = XMLParser(data: Data(document.utf8))
        parser.delegate = collector
        guard parser.parse() else { return nil }
        elements = collector.elements
    }

    func all(_ name: String) -> [Element] { elements.filter { $0.name == name } }

    /// The text of every `<text>` element, in document order.
    var texts: [String] { all("text").map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) } }

    private final class Collector: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        private var open: [Int] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            elements.append(Element(name: name, attributes: attributes, ancestors: open.map { elements[$0].name }))
            open.append(elements.count - 1)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            open.removeLast()
        }

        /// Character data belongs to every open element, as a text's lines (`<tspan>`s) make up its text; a
        /// `<title>` (a tooltip) keeps its own.
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard let innermost = open.last else { return }
            for index in elements[innermost].name == "title" ? [innermost] : open { elements[index].text += string }
        }
    }
}

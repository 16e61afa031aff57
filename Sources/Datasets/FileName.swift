/// A folder entry's name as the file system holds it: bytes, which need not be UTF-8.
struct FileName {
    /// The name's bytes, without a terminating NUL.
    let bytes: [UInt8]
    /// The name as text; nil when its bytes are not valid UTF-8.
    let text: String?

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        text = String(validating: bytes, as: UTF8.self)
    }

    /// Whether it starts with '.'.
    var isHidden: Bool { bytes.first == UInt8(ascii: ".") }

    /// The name for people: the text itself, or, when it is not UTF-8, its valid parts with
    /// every other byte written `\xHH` (upper-case hex), so a message names the exact bytes.
    var shown: String {
        if let text { return text }
        var shown = "", parser = Unicode.UTF8.ForwardParser(), iterator = bytes.makeIterator(), offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                shown.unicodeScalars.append(Unicode.UTF8.decode(encoded))
                offset += encoded.count
            case .error(let length):
                for byte in bytes[offset..<offset + length] {
                    shown += "\\x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
                }
                offset += length
            case .emptyInput:
                return shown
            }
        }
    }

    /// The bytes of `folder` + "/" + this name, for stat and open.
    func path(in folder: String) -> [UInt8] { Array(folder.utf8) + [UInt8(ascii: "/")] + bytes }
}

/// Element type of an .npy array.
public enum NpyDType: String, Sendable, CaseIterable {
    /// numpy bool ('|b1'), one byte per element.
    case bool
    /// numpy uint8 ('|u1').
    case uint8
    /// numpy int32 ('<i4' / '>i4').
    case int32
    /// numpy int64 ('<i8' / '>i8').
    case int64
    /// IEEE half precision ('<f2' / '>f2').
    case float16
    /// IEEE single precision ('<f4' / '>f4'), what BiT checkpoints use.
    case float32
    /// IEEE double precision ('<f8' / '>f8').
    case float64

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .bool, .uint8: 1
        case .float16: 2
        case .int32, .float32: 4
        case .int64, .float64: 8
        }
    }

    /// numpy's type code without the byte-order character, e.g. "f4".
    var typeCode: String {
        switch self {
        case .bool: "b1"
        case .uint8: "u1"
        case .int32: "i4"
        case .int64: "i8"
        case .float16: "f2"
        case .float32: "f4"
        case .float64: "f8"
        }
    }

    init?(typeCode: Substring) {
        guard let dtype = Self.allCases.first(where: { $0.typeCode == typeCode }) else { return nil }
        self = dtype
    }
}

/// Typed element storage, always in host byte order and C (row-major) element order.
enum NpyStorage: Sendable, Equatable {
    case bool([Bool])
    case uint8([UInt8])
    case int32([Int32])
    case int64([Int64])
    /// IEEE half-precision bit patterns; Swift's Float16 is not available on every platform we target.
    case float16([UInt16])
    case float32([Float])
    case float64([Double])

    var dtype: NpyDType {
        switch self {
        case .bool: .bool
        case .uint8: .uint8
        case .int32: .int32
        case .int64: .int64
        case .float16: .float16
        case .float32: .float32
        case .float64: .float64
        }
    }

    var count: Int {
        switch self {
        case .bool(let v): v.count
        case .uint8(let v): v.count
        case .int32(let v): v.count
        case .int64(let v): v.count
        case .float16(let v): v.count
        case .float32(let v): v.count
        case .float64(let v): v.count
        }
    }

    /// The elements' memory, which is exactly the npy data section in host byte order (Bool is one byte, 0 or 1).
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch self {
        case .bool(let v): try v.withUnsafeBytes(body)
        case .uint8(let v): try v.withUnsafeBytes(body)
        case .int32(let v): try v.withUnsafeBytes(body)
        case .int64(let v): try v.withUnsafeBytes(body)
        case .float16(let v): try v.withUnsafeBytes(body)
        case .float32(let v): try v.withUnsafeBytes(body)
        case .float64(let v): try v.withUnsafeBytes(body)
        }
    }

    func fortranToC(shape: [Int]) -> NpyStorage {
        switch self {
        case .bool(let v): .bool(transposeFortranToC(v, shape: shape))
        case .uint8(let v): .uint8(transposeFortranToC(v, shape: shape))
        case .int32(let v): .int32(transposeFortranToC(v, shape: shape))
        case .int64(let v): .int64(transposeFortranToC(v, shape: shape))
        case .float16(let v): .float16(transposeFortranToC(v, shape: shape))
        case .float32(let v): .float32(transposeFortranToC(v, shape: shape))
        case .float64(let v): .float64(transposeFortranToC(v, shape: shape))
        }
    }
}

/// Reorders column-major (Fortran) elements into row-major (C) order for the same logical shape.
private func transposeFortranToC<T>(_ values: [T], shape: [Int]) -> [T] {
    guard shape.count > 1, !values.isEmpty else { return values }
    var fortranStrides = [Int](repeating: 1, count: shape.count)
    for axis in 1..<shape.count { fortranStrides[axis] = fortranStrides[axis - 1] * shape[axis - 1] }
    var result: [T] = []
    result.reserveCapacity(values.count)
    var index = [Int](repeating: 0, count: shape.count)
    var source = 0
    for _ in 0..<values.count {
        result.append(values[source])
        // Odometer over the C index, last axis fastest, carrying the Fortran offset along.
        var axis = shape.count - 1
        while axis >= 0 {
            index[axis] += 1
            source += fortranStrides[axis]
            if index[axis] < shape[axis] { break }
            source -= fortranStrides[axis] * shape[axis]
            index[axis] = 0
            axis -= 1
        }
    }
    return result
}

/// Converts IEEE 754 binary16 bits to Float exactly (every half value is representable as a Float).
private func npyHalfToFloat(_ bits: UInt16) -> Float {
    let sign: UInt32 = UInt32(bits & 0x8000) << 16
    let exponent = UInt32(bits >> 10) & 0x1F
    let mantissa = UInt32(bits & 0x3FF)
    switch exponent {
    case 0:
        let magnitude = Float(mantissa) * 0x1p-24
        return sign == 0 ? magnitude : -magnitude
    case 0x1F:
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    default:
        return Float(bitPattern: sign | ((exponent + 112) << 23) | (mantissa << 13))
    }
}

private let hostIsLittleEndian = 1.littleEndian == 1

/// An n-dimensional array as stored in one .npy file (or one .npz member).
public struct NpyArray: Sendable, Equatable {
    /// Dimensions in C order; may be reassigned only to a shape with the same element count.
    public var shape: [Int] {
        didSet {
            precondition(Self.elementCount(of: shape) == storage.count,
                         "shape \(shape) does not hold \(storage.count) elements")
        }
    }

    private(set) var storage: NpyStorage

    init(shape: [Int], storage: NpyStorage) {
        precondition(Self.elementCount(of: shape) == storage.count,
                     "shape \(shape) does not hold \(storage.count) elements")
        self.shape = shape
        self.storage = storage
    }

    /// A float32 array; `floats.count` must equal the product of `shape` (1 for the 0-d shape []).
    public init(shape: [Int], floats: [Float]) {
        self.init(shape: shape, storage: .float32(floats))
    }

    /// A 1-D uint8 array holding `bytes`.
    public init(bytes: [UInt8]) {
        self.init(shape: [bytes.count], storage: .uint8(bytes))
    }

    /// The element type.
    public var dtype: NpyDType { storage.dtype }

    /// The number of elements (the product of `shape`).
    public var count: Int { storage.count }

    /// The elements as Float in C order, converting from any numeric dtype; throws for bool arrays.
    public func floatValues() throws -> [Float] {
        switch storage {
        case .float32(let v): return v
        case .float64(let v): return v.map { Float($0) }
        case .float16(let v): return v.map(npyHalfToFloat)
        case .uint8(let v): return v.map { Float($0) }
        case .int32(let v): return v.map { Float($0) }
        case .int64(let v): return v.map { Float($0) }
        case .bool:
            throw FileFormatError(.dtypeMismatch, path: "", message: "floatValues() needs a numeric array, but the dtype is bool")
        }
    }

    /// The elements as Double in C order, exact for every float dtype (float64 reference data keeps its precision); throws for bool.
    public func doubleValues() throws -> [Double] {
        switch storage {
        case .float64(let v): return v
        case .float32(let v): return v.map { Double($0) }
        case .float16(let v): return v.map { Double(npyHalfToFloat($0)) }
        case .uint8(let v): return v.map { Double($0) }
        case .int32(let v): return v.map { Double($0) }
        case .int64(let v): return v.map { Double($0) }
        case .bool:
            throw FileFormatError(.dtypeMismatch, path: "", message: "doubleValues() needs a numeric array, but the dtype is bool")
        }
    }

    /// The raw elements of a uint8 array; throws for any other dtype.
    public func byteValues() throws -> [UInt8] {
        guard case .uint8(let v) = storage else {
            throw FileFormatError(.dtypeMismatch, path: "", message: "byteValues() needs a uint8 array, but the dtype is \(dtype.rawValue)")
        }
        return v
    }

    /// Decodes one complete .npy file image; `name` identifies it in error messages.
    public static func parse(_ bytes: UnsafeRawBufferPointer, name: String) throws -> NpyArray {
        let site = FileFormatErrorSite(path: name)
        return try decode(from: NpyBufferSource(bytes, site: site), site: site)
    }

    /// The .npy file image: format 1.0 (2.0 if the header needs it), data starting at a multiple of 64.
    public func serialized() -> [UInt8] {
        var bytes = npyHeader()
        bytes.reserveCapacity(bytes.count + count * dtype.itemSize)
        storage.withUnsafeBytes { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Product of the dimensions, or nil if a dimension is negative or the product overflows.
    static func elementCount(of shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }
}

// MARK: - Writing

extension NpyArray {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // "\x93NUMPY"

    /// Size in bytes of the data section that follows `npyHeader()`.
    var dataByteCount: Int { count * dtype.itemSize }

    /// Calls `body` with the data section, without copying the elements.
    func withUnsafeDataBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes(body)
    }

    /// Magic, version, header length and the padded header dictionary.
    func npyHeader() -> [UInt8] {
        // Data is written in host byte order so it can go to disk straight from the array's memory.
        let order = dtype.itemSize == 1 ? "|" : (hostIsLittleEndian ? "<" : ">")
        let dictionary = Array("{'descr': '\(order)\(dtype.typeCode)', 'fortran_order': False, 'shape': \(Self.shapeDescription(shape)), }".utf8)
        let unpadded = dictionary.count + 1  // the terminating newline

        var preamble = 10
        var headerLength = roundUp(preamble + unpadded, to: 64) - preamble
        if headerLength > Int(UInt16.max) {
            preamble = 12
            headerLength = roundUp(preamble + unpadded, to: 64) - preamble
        }

        var bytes = Self.magic
        bytes.reserveCapacity(preamble + headerLength)
        if preamble == 10 {
            bytes += [1, 0]
            bytes += withUnsafeBytes(of: UInt16(headerLength).littleEndian, Array.init)
        } else {
            bytes += [2, 0]
            bytes += withUnsafeBytes(of: UInt32(headerLength).littleEndian, Array.init)
        }
        bytes += dictionary
        bytes += [UInt8](repeating: 0x20, count: headerLength - unpadded)
        bytes.append(0x0A)
        return bytes
    }
}

private func roundUp(_ value: Int, to multiple: Int) -> Int {
    (value + multiple - 1) / multiple * multiple
}

// MARK: - Reading

/// A forward-only supply of one .npy image: a memory buffer, or a ZIP member inflated on the fly.
protocol NpyByteSource: AnyObject {
    /// Total number of bytes the source delivers.
    var size: Int { get }
    /// Fills `buffer` completely with the next bytes, or throws.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws
}

/// Serves a caller-owned buffer, for `NpyArray.parse`.
final class NpyBufferSource: NpyByteSource {
    private let bytes: UnsafeRawBufferPointer
    private let site: FileFormatErrorSite
    private var position = 0

    init(_ bytes: UnsafeRawBufferPointer, site: FileFormatErrorSite) {
        self.bytes = bytes
        self.site = site
    }

    var size: Int { bytes.count }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws {
        guard buffer.count <= bytes.count - position else {
            throw site.error(.badNpy, "npy data ends at byte \(bytes.count), before the \(buffer.count) bytes needed at byte \(position)")
        }
        guard let destination = buffer.baseAddress, let source = bytes.baseAddress else { return }
        destination.copyMemory(from: source + position, byteCount: buffer.count)
        position += buffer.count
    }
}

/// What an npy header declares, checked against the size of the data that follows it.
public struct NpyHeader: Sendable, Equatable {
    /// The element type.
    public let dtype: NpyDType
    /// Dimensions in C order (a Fortran-order array is transposed on reading).
    public let shape: [Int]
    let swapsBytes: Bool
    let fortranOrder: Bool

    /// The number of elements; the header has been checked to make this addressable.
    public var count: Int { shape.reduce(1, *) }
    /// Bytes of element data that follow the header.
    public var dataByteCount: Int { count * dtype.itemSize }
}

extension NpyArray {
    /// numpy itself refuses headers over 10 000 bytes by default; this leaves room for odd writers while
    /// still bounding what a hostile length field can make us allocate.
    static let maxHeaderLength = 1 << 20

    /// Reads header and data from `source`, converting to host byte order and C element order.
    static func decode(from source: some NpyByteSource, site: FileFormatErrorSite) throws -> NpyArray {
        try decodeData(readHeader(from: source, site: site), from: source)
    }

    /// Reads only the preamble and header dictionary from `source`, leaving it positioned at the data, and checks
    /// that the declared shape and dtype account for exactly the rest of the source's declared size.
    static func readHeader(from source: some NpyByteSource, site: FileFormatErrorSite) throws -> NpyHeader {
        let (header, dataBytes) = try parseHeader(from: source, site: site)
        try checkDataSize(header, dataBytes: dataBytes, site: site)
        return header
    }

    /// The header as written and the number of bytes left for data, with the shape not yet checked against them.
    static func parseHeader(from source: some NpyByteSource, site: FileFormatErrorSite) throws -> (NpyHeader, dataBytes: Int) {
        let total = source.size
        guard total >= 10 else {
            throw site.error(.badNpy, "npy data is \(total) bytes, too short for an npy header")
        }
        var preamble = [UInt8](repeating: 0, count: 8)
        try preamble.withUnsafeMutableBytes { try source.read(into: $0) }
        guard preamble.prefix(6).elementsEqual(magic) else {
            let shown = preamble.prefix(6).map { String($0, radix: 16) }.joined(separator: " ")
            throw site.error(.badNpy, "not npy data: bad magic bytes [\(shown)], expected [93 4e 55 4d 50 59] (\"\\x93NUMPY\")")
        }
        let major = preamble[6]
        let lengthFieldSize: Int
        switch major {
        case 1: lengthFieldSize = 2
        case 2, 3: lengthFieldSize = 4
        default:
            throw site.error(.unsupported, "unsupported npy format version \(major).\(preamble[7]) (supported: 1.0, 2.0, 3.0)")
        }
        guard total >= 8 + lengthFieldSize else {
            throw site.error(.badNpy, "npy data is \(total) bytes, too short for a version \(major) header")
        }
        var lengthField = [UInt8](repeating: 0, count: lengthFieldSize)
        try lengthField.withUnsafeMutableBytes { try source.read(into: $0) }
        let headerLength = lengthField.reversed().reduce(0) { $0 << 8 | Int($1) }
        let dataStart = 8 + lengthFieldSize + headerLength
        guard headerLength <= maxHeaderLength, dataStart <= total else {
            throw site.error(.badNpy, "npy header length \(headerLength) does not fit in the \(total) bytes of npy data")
        }
        var headerBytes = [UInt8](repeating: 0, count: headerLength)
        try headerBytes.withUnsafeMutableBytes { try source.read(into: $0) }
        return (try parseHeader(headerBytes, site: site), total - dataStart)
    }

    /// Refuses a shape and dtype that do not fill exactly `dataBytes`.
    static func checkDataSize(_ header: NpyHeader, dataBytes: Int, site: FileFormatErrorSite) throws {
        let shapeText = "shape \(shapeDescription(header.shape)) of \(header.dtype.rawValue)"
        guard let count = elementCount(of: header.shape),
              case let (needed, overflow) = count.multipliedReportingOverflow(by: header.dtype.itemSize), !overflow
        else {
            throw site.error(.badNpy, "\(shapeText) is too large to address; the data holds \(dataBytes) bytes")
        }
        guard needed == dataBytes else {
            throw site.error(.badNpy, "\(shapeText) needs \(needed) data bytes, but \(dataBytes) are present")
        }
    }

    /// Reads the data `header` declares from `source`, which `readHeader` has positioned at it.
    static func decodeData(_ header: NpyHeader, from source: some NpyByteSource) throws -> NpyArray {
        let count = header.count
        var storage: NpyStorage
        switch header.dtype {
        case .bool:
            storage = .bool(try readElements(UInt8.self, count: count, swapBytes: false, from: source).map { $0 != 0 })
        case .uint8:
            storage = .uint8(try readElements(UInt8.self, count: count, swapBytes: false, from: source))
        case .int32:
            storage = .int32(try readElements(Int32.self, count: count, swapBytes: header.swapsBytes, from: source))
        case .int64:
            storage = .int64(try readElements(Int64.self, count: count, swapBytes: header.swapsBytes, from: source))
        case .float16:
            storage = .float16(try readElements(UInt16.self, count: count, swapBytes: header.swapsBytes, from: source))
        case .float32:
            storage = .float32(try readElements(Float.self, count: count, swapBytes: header.swapsBytes, from: source))
        case .float64:
            storage = .float64(try readElements(Double.self, count: count, swapBytes: header.swapsBytes, from: source))
        }
        if header.fortranOrder {
            storage = storage.fortranToC(shape: header.shape)
        }
        return NpyArray(shape: header.shape, storage: storage)
    }

    /// Reads straight into the new array's buffer, so a member's data is copied exactly once.
    private static func readElements<T: BitwiseCopyable>(_: T.Type, count: Int, swapBytes: Bool, from source: some NpyByteSource) throws -> [T] {
        try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            try source.read(into: raw)
            if swapBytes { reverseByteOrder(raw, itemSize: MemoryLayout<T>.size) }
            initialized = count
        }
    }

    private static func reverseByteOrder(_ raw: UnsafeMutableRawBufferPointer, itemSize: Int) {
        switch itemSize {
        case 2: swapEach(UInt16.self, in: raw)
        case 4: swapEach(UInt32.self, in: raw)
        case 8: swapEach(UInt64.self, in: raw)
        default: break
        }
    }

    private static func swapEach<T: FixedWidthInteger>(_: T.Type, in raw: UnsafeMutableRawBufferPointer) {
        for offset in stride(from: 0, to: raw.count, by: MemoryLayout<T>.size) {
            let value = raw.loadUnaligned(fromByteOffset: offset, as: T.self)
            raw.storeBytes(of: value.byteSwapped, toByteOffset: offset, as: T.self)
        }
    }

    static func shapeDescription(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }

    /// Interprets the header dictionary the way numpy's `read_array_header` does.
    static func parseHeader(_ bytes: [UInt8], site: FileFormatErrorSite) throws -> NpyHeader {
        let literal: PythonLiteral
        do throws(PythonLiteralParser.SyntaxError) {
            literal = try PythonLiteralParser.parse(bytes)
        } catch {
            throw site.error(.badNpy, "malformed npy header: \(error.message): \(headerExcerpt(bytes))")
        }
        guard case .dict(let entries) = literal else {
            throw site.error(.badNpy, "npy header is not a dictionary: \(headerExcerpt(bytes))")
        }
        var descr: PythonLiteral?
        var fortranOrder: PythonLiteral?
        var shape: PythonLiteral?
        for (key, value) in entries {
            switch key {
            case "descr" where descr == nil: descr = value
            case "fortran_order" where fortranOrder == nil: fortranOrder = value
            case "shape" where shape == nil: shape = value
            default:
                throw site.error(.badNpy, "npy header has an unexpected or repeated key '\(key)': \(headerExcerpt(bytes))")
            }
        }
        guard let descr, let fortranOrder, let shape else {
            throw site.error(.badNpy, "npy header must have exactly the keys 'descr', 'fortran_order' and 'shape': \(headerExcerpt(bytes))")
        }

        let (dtype, swapsBytes) = try parseDescr(descr, site: site)
        guard case .boolean(let isFortran) = fortranOrder else {
            throw site.error(.badNpy, "npy header 'fortran_order' is not True or False: \(headerExcerpt(bytes))")
        }
        guard case .tuple(let dimensions) = shape else {
            throw site.error(.badNpy, "npy header 'shape' is not a tuple: \(headerExcerpt(bytes))")
        }
        var intShape: [Int] = []
        for dimension in dimensions {
            guard case .integer(let value) = dimension, value >= 0 else {
                throw site.error(.badNpy, "npy header 'shape' must hold non-negative integers: \(headerExcerpt(bytes))")
            }
            intShape.append(value)
        }
        return NpyHeader(dtype: dtype, shape: intShape, swapsBytes: swapsBytes, fortranOrder: isFortran)
    }

    private static func parseDescr(_ descr: PythonLiteral, site: FileFormatErrorSite) throws -> (NpyDType, Bool) {
        let text: String
        switch descr {
        case .string(let value): text = value
        case .list:
            throw site.error(.unsupported, "structured (record) dtypes are not supported")
        default:
            throw site.error(.badNpy, "npy header 'descr' is not a dtype string")
        }
        var code = Substring(text)
        var isBigEndian = !hostIsLittleEndian
        switch code.first {
        case "<": isBigEndian = false; code = code.dropFirst()
        case ">": isBigEndian = true; code = code.dropFirst()
        case "|", "=": code = code.dropFirst()
        default: break
        }
        guard let dtype = NpyDType(typeCode: code) else {
            throw site.error(.unsupported, "unsupported dtype '\(text)' (supported: f2 f4 f8 i4 i8 u1 b1, either byte order)")
        }
        let swapsBytes = dtype.itemSize > 1 && isBigEndian == hostIsLittleEndian
        return (dtype, swapsBytes)
    }

    private static func headerExcerpt(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(200), as: UTF8.self)
            .trimmingTrailingWhitespace()
        return "\"" + text + (bytes.count > 200 ? "…" : "") + "\""
    }
}

private extension String {
    func trimmingTrailingWhitespace() -> String {
        var trimmed = Substring(self)
        while let last = trimmed.last, last.isWhitespace { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }
}

// MARK: - Header literal parsing

/// The subset of Python literal syntax that npy headers use.
indirect enum PythonLiteral {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([(key: String, value: PythonLiteral)])
}

/// A recursive-descent parser for npy header dictionaries (what `ast.literal_eval` accepts there).
struct PythonLiteralParser {
    struct SyntaxError: Error {
        var message: String
    }

    /// Nesting is bounded so a hostile header cannot exhaust the stack.
    private static let maxDepth = 32

    private let bytes: [UInt8]
    private var index = 0

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> PythonLiteral {
        var parser = PythonLiteralParser(bytes)
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.failure("unexpected text after the value") }
        return value
    }

    private func failure(_ message: String) -> SyntaxError {
        SyntaxError(message: "\(message) at header byte \(index)")
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private mutating func parseValue(depth: Int) throws(SyntaxError) -> PythonLiteral {
        guard depth < Self.maxDepth else { throw failure("nesting too deep") }
        skipWhitespace()
        guard index < bytes.count else { throw failure("unexpected end of header") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            var entries: [(key: String, value: PythonLiteral)] = []
            while true {
                skipWhitespace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .dict(entries) }
                guard case .string(let key) = try parseValue(depth: depth + 1) else { throw failure("dictionary key is not a string") }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':'") }
                index += 1
                entries.append((key, try parseValue(depth: depth + 1)))
                guard try consumeSeparator(closing: UInt8(ascii: "}")) else { return .dict(entries) }
            }
        case UInt8(ascii: "("), UInt8(ascii: "["):
            let isTuple = bytes[index] == UInt8(ascii: "(")
            let closing = UInt8(ascii: isTuple ? ")" : "]")
            index += 1
            var items: [PythonLiteral] = []
            var sawComma = false
            while true {
                skipWhitespace()
                if index < bytes.count, bytes[index] == closing { index += 1; break }
                items.append(try parseValue(depth: depth + 1))
                guard try consumeSeparator(closing: closing) else { break }
                sawComma = true
            }
            // "(5)" is just 5 in Python; only a comma makes a one-element tuple.
            if isTuple, items.count == 1, !sawComma { return items[0] }
            return isTuple ? .tuple(items) : .list(items)
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .integer(try parseInteger())
        default:
            let start = index
            while index < bytes.count, isIdentifierByte(bytes[index]) { index += 1 }
            switch String(decoding: bytes[start..<index], as: UTF8.self) {
            case "True": return .boolean(true)
            case "False": return .boolean(false)
            case "None": return .none
            default:
                index = start
                throw failure("unexpected character '\(String(decoding: [bytes[start]], as: UTF8.self))'")
            }
        }
    }

    /// After an element: consumes "," (returning true) or the closing bracket (returning false).
    private mutating func consumeSeparator(closing: UInt8) throws(SyntaxError) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw failure("unexpected end of header") }
        if bytes[index] == UInt8(ascii: ",") { index += 1; return true }
        if bytes[index] == closing { index += 1; return false }
        throw failure("expected ',' or '\(String(decoding: [closing], as: UTF8.self))'")
    }

    private mutating func parseString() throws(SyntaxError) -> String {
        let quote = bytes[index]
        index += 1
        var content: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == quote { return String(decoding: content, as: UTF8.self) }
            if byte == UInt8(ascii: "\\") {
                guard index < bytes.count else { break }
                content.append(bytes[index])
                index += 1
            } else {
                content.append(byte)
            }
        }
        throw failure("unterminated string")
    }

    private mutating func parseInteger() throws(SyntaxError) -> Int {
        var negative = false
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var value = 0
        var digits = 0
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(Int(bytes[index] - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw failure("integer too large") }
            value = sum
            digits += 1
            index += 1
        }
        guard digits > 0 else { throw failure("expected digits") }
        // Python 2 era numpy wrote long integers as "3L".
        if index < bytes.count, bytes[index] == UInt8(ascii: "L") || bytes[index] == UInt8(ascii: "l") { index += 1 }
        return negative ? -value : value
    }

    private func isIdentifierByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "_")
    }
}

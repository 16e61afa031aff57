import Foundation
import SwiftCSV

/// What a metadata file says of each image of a folder (site, microscope, stain batch,
/// acquisition date, ...): a CSV file with a header row, a `path` column naming every image as
/// the dataset does (`Parasitized/cell.png`, relative to the folder) and one column per attribute.
/// Slices are drawn by these columns, so the file must describe the folder's images one to one.
public struct ImageAttributes: Sendable, Equatable {
    /// The column that names the image.
    public static let pathColumn = "path"
    /// A metadata file larger than this is refused before it is read whole.
    public static let maxBytes = 64 << 20

    /// The metadata file.
    public let file: URL
    /// The attribute columns, in the file's order, without `path`.
    public let columns: [String]
    /// Each image's attribute values, parallel to `columns`, by its path.
    private let rows: [String: [String]]

    /// Every image path the file names.
    public var paths: Set<String> { Set(rows.keys) }

    /// The attribute columns of `file`, read from its header alone, so that a spec can be checked
    /// against them before any image is read.
    public static func columns(of file: URL) throws -> [String] {
        let (header, _) = try table(file, headerOnly: true)
        return try attributeColumns(header, file)
    }

    /// Reads `file` whole; every problem (no `path` column, a row whose field count differs from
    /// the header's, a path given twice, an empty path) is listed in one error.
    public init(contentsOf file: URL) throws {
        let (header, records) = try Self.table(file, headerOnly: false)
        let columns = try Self.attributeColumns(header, file)
        guard let pathIndex = header.firstIndex(of: Self.pathColumn) else { throw Self.error(file, ["no '\(Self.pathColumn)' column"]) }
        var rows: [String: [String]] = [:], firstRow: [String: Int] = [:], problems: [String] = []
        for (offset, fields) in records.enumerated() {
            let row = offset + 2  // the header is row 1
            guard fields.count == header.count else {
                problems.append("row \(row) has \(fields.count) field\(fields.count == 1 ? "" : "s"), the header \(header.count)")
                continue
            }
            let path = fields[pathIndex]
            guard !path.isEmpty else {
                problems.append("row \(row) has an empty \(Self.pathColumn)")
                continue
            }
            if let earlier = firstRow[path] {
                problems.append("row \(row) names \(path) again (first in row \(earlier))")
                continue
            }
            firstRow[path] = row
            rows[path] = fields.enumerated().filter { $0.offset != pathIndex }.map(\.element)
        }
        guard problems.isEmpty else { throw Self.error(file, Self.listed(problems, "more rows")) }
        (self.file, self.columns, self.rows) = (file, columns, rows)
    }

    /// Throws unless the file names exactly the images of `manifest`: those it holds and those it
    /// skipped as unusable (they are in the folder, so a file written before the scan names them).
    public func require(describing manifest: DatasetManifest) throws {
        let images = Set(manifest.entries.map(\.path)).union(manifest.skipped.map(\.path))
        let extra = paths.subtracting(images).sorted(), missing = images.subtracting(paths).sorted()
        var problems: [String] = []
        if !extra.isEmpty {
            problems.append("names \(extra.count) image\(extra.count == 1 ? "" : "s") not in \(manifest.root): "
                + Self.listed(extra, "more").joined(separator: ", "))
        }
        if !missing.isEmpty {
            problems.append("misses \(missing.count) image\(missing.count == 1 ? "" : "s") of \(manifest.root): "
                + Self.listed(missing, "more").joined(separator: ", "))
        }
        guard problems.isEmpty else { throw Self.error(file, problems) }
    }

    /// The value in `column` of each of `paths`; nil when the column is not in the file or a path is not.
    public func values(_ column: String, of paths: [String]) -> [String]? {
        guard let index = columns.firstIndex(of: column) else { return nil }
        var values: [String] = []
        values.reserveCapacity(paths.count)
        for path in paths {
            guard let row = rows[path] else { return nil }
            values.append(row[index])
        }
        return values
    }

    /// The header and, unless `headerOnly`, every record, as SwiftCSV parses them (RFC 4180 quoting);
    /// records keep their own field counts, so a short or long row is seen, not padded.
    private static func table(_ file: URL, headerOnly: Bool) throws -> (header: [String], records: [[String]]) {
        let bytes: Data
        do {
            let size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.intValue ?? 0
            guard size <= maxBytes else { throw error(file, ["\(size) bytes; a metadata file may hold at most \(maxBytes)"]) }
            bytes = try Data(contentsOf: file)
        } catch let error as DatasetError {
            throw error
        } catch {
            throw DatasetError.unreadable(path: file.path, reason: "cannot read the metadata file: \(error.localizedDescription)")
        }
        guard let text = String(data: bytes, encoding: .utf8) else { throw error(file, ["not UTF-8 text"]) }
        do {
            let csv = try CSV<Enumerated>(string: text, delimiter: .comma, loadColumns: false, rowLimit: 1)
            guard !csv.header.isEmpty, csv.header != [""] else { throw error(file, ["no header row (expected '\(pathColumn),' and attribute names)"]) }
            var records: [[String]] = []
            if !headerOnly {
                try csv.enumerateAsArray(startAt: 1, rowLimit: nil) { fields in
                    // A blank line is no record (SwiftCSV gives it as one empty field).
                    if fields != [""] { records.append(fields) }
                }
            }
            return (csv.header, records)
        } catch let error as DatasetError {
            throw error
        } catch let parse as CSVParseError {
            switch parse {
            case .generic(let message), .quotation(let message): throw error(file, ["not valid CSV: \(message)"])
            }
        }
    }

    /// The header's columns other than `path`, which must be there; names must be unique and non-empty.
    private static func attributeColumns(_ header: [String], _ file: URL) throws -> [String] {
        var problems: [String] = []
        if !header.contains(pathColumn) {
            problems.append("no '\(pathColumn)' column (the header has \(header.map { "'\($0)'" }.joined(separator: ", ")))")
        }
        var seen: Set<String> = []
        for name in header where !seen.insert(name).inserted { problems.append("column '\(name)' appears twice in the header") }
        if header.contains("") { problems.append("a column of the header has no name") }
        guard problems.isEmpty else { throw error(file, problems) }
        return header.filter { $0 != pathColumn }
    }

    private static func error(_ file: URL, _ problems: [String]) -> DatasetError { .invalidMetadata(path: file.path, problems: problems) }

    /// The first few of `items`, then how many more: an error names what is wrong without a wall of text.
    private static func listed(_ items: [String], _ more: String, limit: Int = 8) -> [String] {
        items.count <= limit ? items : Array(items.prefix(limit)) + ["and \(items.count - limit) \(more)"]
    }
}

import Foundation

/// Sizes of memory and files as people read them.
public enum ByteCount {
    /// `bytes` in GiB with two decimals, e.g. "1.25 GiB".
    public static func gibibytes(_ bytes: Int) -> String { String(format: "%.2f GiB", Double(bytes) / 1_073_741_824) }
}

import ArgumentParser
import BiT
import Foundation

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe a BiT checkpoint: architecture, parameters, classes, preprocessing, keys.",
        discussion: """
            Reads official BiT .npz files (e.g. BiT-M-R50x1.npz) and models written by modelcheck. \
            The architecture is inferred from the keys; every key and shape is validated.
            """)

    @Argument(help: "The checkpoint (.npz).") var model: String
    @Flag(help: "List every key with its shape.") var keys = false

    func run() throws {
        let url = URL(fileURLWithPath: model)
        let (net, metadata) = try BiTCheckpoint.load(url)
        let arch = net.architecture
        let shapes = ResNetV2<Float>.parameterShapes(arch, classes: net.classes)
        let head = shapes.filter { $0.name.hasPrefix("resnet/head/") }.map { $0.shape.reduce(1, *) }.reduce(0, +)
        let total = net.parameters.scalarCount
        func count(_ n: Int) -> String { n.formatted(.number.grouping(.automatic)) }
        print("""
            file          \(url.path)
            architecture  \(arch) (units \(arch.unitsPerBlock.map(String.init).joined(separator: "/")), width \(arch.widthFactor), \(arch.groups) GroupNorm groups)
            parameters    \(count(total)) (backbone \(count(total - head)), head \(count(head)))
            classes       \(net.classes): \(metadata.classNames.prefix(10).joined(separator: ", "))\(net.classes > 10 ? ", ..." : "")
            input         \(metadata.resolution)x\(metadata.resolution) RGB, values in \(metadata.valueRange.rawValue)
            forward cost  \(String(format: "%.2f", 2 * Double(arch.forwardMACs(input: metadata.resolution, classes: net.classes)) / 1e9)) GFLOP per image at \(metadata.resolution)x\(metadata.resolution)\(net.averagesSymmetries ? ", 8 passes (test-time augmentation: the mean over the 8 symmetries)" : "")
            keys          \(shapes.count) arrays\(keys ? "" : " (--keys lists them)")
            """)
        if keys {
            for (name, shape) in shapes { print("  \(name)  \(shape.map(String.init).joined(separator: "x"))") }
        } else {
            for b in 1...4 {
                let n = shapes.filter { $0.name.hasPrefix("resnet/block\(b)/") }.count
                print("  resnet/block\(b)/...  \(arch.unitsPerBlock[b - 1]) units, \(n) arrays, \(arch.outChannels(block: b)) channels out")
            }
        }
    }
}

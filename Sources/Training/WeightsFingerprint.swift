import BiT

extension ParameterSet where T == Float {
    /// A 64-bit FNV-1a hash of every weight's bits, in checkpoint order: the ranks of a job
    /// compare it to prove they hold identical weights.
    var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for name in names {
            let t = tensor(name)
            for i in 0..<t.count {
                hash = (hash ^ UInt64(t.pointer[i].bitPattern)) &* 0x100_0000_01b3
            }
        }
        return String(hash, radix: 16)
    }
}

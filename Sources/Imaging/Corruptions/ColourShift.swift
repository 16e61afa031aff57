/// A change of stain or camera colour, at a given amount: what the colour-shift check applies
/// across a range. All four are deterministic; none draws random numbers.
public enum ColourShift: Sendable, Equatable {
    /// Optical density −ln(I/255) of every channel times `factor` (1: unchanged; > 1: darker stain).
    case stainIntensity(factor: Double)
    /// Colours turned about the grey axis by `degrees` (0 or 360: unchanged).
    case hueRotation(degrees: Double)
    /// Distance from grey times `factor` (1: unchanged; 0: grey).
    case saturation(factor: Double)
    /// Each channel times its gain (all 1: unchanged).
    case whiteBalance(red: Double, green: Double, blue: Double)

    /// The kinds of shift, by the names a spec uses.
    public enum Kind: String, CaseIterable, Sendable, Codable {
        case stainIntensity = "stain_intensity"
        case hueRotation = "hue_rotation"
        case saturation
        case whiteBalance = "white_balance"

        /// The amount at which the shift changes nothing: the natural centre of a range.
        public var identityAmount: Double {
            switch self {
            case .stainIntensity, .saturation, .whiteBalance: 1
            case .hueRotation: 0
            }
        }
    }

    /// The shift of `kind` at one number `amount`, as a spec's range gives it. White balance at t
    /// is the gains (t, 1, 1/t): warmer above 1, cooler below, green as the reference channel.
    public init(_ kind: Kind, amount: Double) {
        switch kind {
        case .stainIntensity: self = .stainIntensity(factor: amount)
        case .hueRotation: self = .hueRotation(degrees: amount)
        case .saturation: self = .saturation(factor: amount)
        case .whiteBalance: self = .whiteBalance(red: amount, green: 1, blue: 1 / amount)
        }
    }

    /// Which kind of shift this is.
    public var kind: Kind {
        switch self {
        case .stainIntensity: .stainIntensity
        case .hueRotation: .hueRotation
        case .saturation: .saturation
        case .whiteBalance: .whiteBalance
        }
    }

    /// `image` shifted. Non-finite amounts give black or white samples, never a crash; a spec
    /// should refuse them before they get here.
    public func apply(to image: RGBImage) -> RGBImage {
        switch self {
        case .stainIntensity(let factor): image.stainScaled(by: factor)
        case .hueRotation(let degrees): image.hueRotated(degrees: degrees)
        case .saturation(let factor): image.saturationScaled(by: factor)
        case .whiteBalance(let red, let green, let blue): image.channelsScaled(red: red, green: green, blue: blue)
        }
    }
}

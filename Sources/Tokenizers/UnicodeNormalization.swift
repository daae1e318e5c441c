import Foundation

/// Canonical and compatibility normalization (UAX #15) of scalar arrays, through Foundation.
/// ASCII text is its own normal form in every form, so it is returned as is without a copy.
enum UnicodeNormalization {
    /// NFD: canonical decomposition.
    static func nfd(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        if scalars.isASCII { return scalars }
        return Array(scalars.string.decomposedStringWithCanonicalMapping.unicodeScalars)
    }

    /// NFC: canonical decomposition, then canonical composition.
    static func nfc(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        if scalars.isASCII { return scalars }
        return Array(scalars.string.precomposedStringWithCanonicalMapping.unicodeScalars)
    }

    /// NFKC of one string.
    static func nfkc(_ string: String) -> String {
        string.precomposedStringWithCompatibilityMapping
    }
}

/// open_clip's clean-up of a prompt before it is split and byte-pair encoded:
/// `whitespace_clean(basic_clean(text)).lower()`, that is
/// 1. `ftfy.fix_text` (the subset in `TextRepair`), then `html.unescape` twice, then strip;
/// 2. every run of whitespace (Unicode White_Space) becomes one space, and the ends are stripped;
/// 3. Python's `str.lower()`: full lowercase mappings (`İ` → `i̇`), with a capital sigma at the end
///    of a word becoming `ς`.
///
/// Plain printable ASCII without `&` skips step 1, which cannot change it.
enum CLIPTextNormalizer {
    /// The cleaned, lowercased scalars of `text`.
    static func normalize(_ text: String) -> [Unicode.Scalar] {
        var scalars = Array(text.unicodeScalars)
        if !isPlainASCII(text) {
            scalars = TextRepair.fix(scalars)
            scalars = HTMLEntities.unescape(HTMLEntities.unescape(scalars))
        }
        return lowercased(collapsingWhitespace(scalars))
    }

    /// Whether ftfy and `html.unescape` leave `text` as it is: printable ASCII, tabs and line
    /// breaks, no `&`.
    private static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { byte in
            (byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "&")) || byte == 0x09 || byte == 0x0A
                || byte == 0x0C || byte == 0x0D
        }
    }

    /// Runs of whitespace → one space; no space at either end.
    static func collapsingWhitespace(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(scalars.count)
        var pendingSpace = false
        for scalar in scalars {
            if scalar.isWhiteSpace {
                pendingSpace = !output.isEmpty
            } else {
                if pendingSpace { output.append(" ") }
                pendingSpace = false
                output.append(scalar)
            }
        }
        return output
    }

    /// Python's `str.lower()`.
    static func lowercased(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(scalars.count)
        for index in scalars.indices {
            if scalars[index] == "\u{3A3}" {
                output.append(isFinalSigma(at: index, in: scalars) ? "\u{3C2}" : "\u{3C3}")
            } else {
                scalars[index].appendLowercase(to: &output)
            }
        }
        return output
    }

    /// Unicode's Final_Sigma condition: a cased letter before (skipping case-ignorables), and no
    /// cased letter after (skipping case-ignorables).
    private static func isFinalSigma(at index: Int, in scalars: [Unicode.Scalar]) -> Bool {
        var before = index - 1
        while before >= 0, scalars[before].properties.isCaseIgnorable { before -= 1 }
        guard before >= 0, scalars[before].properties.isCased else { return false }
        var after = index + 1
        while after < scalars.count, scalars[after].properties.isCaseIgnorable { after += 1 }
        return after == scalars.count || !scalars[after].properties.isCased
    }
}

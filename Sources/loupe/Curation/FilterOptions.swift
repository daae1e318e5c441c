import ArgumentParser
import Catalog

/// Which rows a curation command covers: the `--where`, `--label`, `--metric` and
/// `--media-type` conditions of `loupe export` and `loupe search`.
struct FilterOptions: ParsableArguments {
    @Option(name: .customLong("where"), help: "Metadata condition: field=value, field>=x, field<=x, field~a|b (repeatable).")
    var conditions: [String] = []
    @Option(help: "Only rows with this label (repeatable: any of them).") var label: [String] = []
    @Option(help: "Metric condition: name>=x, name<=x, name=x (repeatable).") var metric: [String] = []
    @Option(help: "Only rows of this media type: image or text.") var mediaType: String?

    func filter() throws -> RowFilter {
        try FilterSyntax.filter(where: conditions, labels: label, metrics: metric, mediaType: mediaType)
    }
}

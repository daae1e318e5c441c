import Foundation

/// The pictures `loupe bench conse` searches: openclipart's category folders (each folder's first
/// `perFolder` PNGs, so the huge icon and star folders do not drown the rest) and the skimage
/// photos, each photo with the caption a user would type for it.
struct ConSECorpus {
    struct Picture {
        let file: URL
        /// The folder under the clipart root (`animals/mammals/dogs`), or `photos/<name>` for a photo.
        let folder: String
    }

    /// A query and the pictures that answer it.
    struct Query {
        let text: String
        /// The folder whose pictures (its sub-folders' too) are relevant.
        let folder: String
        let kind: Kind
        enum Kind: String { case category, photo }
    }

    private(set) var pictures: [Picture] = []
    private(set) var queries: [Query] = []

    /// The skimage photos (the Debian package's file names) and the captions built from them:
    /// each photo is a category of one.
    static let photoCaptions: [(file: String, caption: String)] = [
        ("astronaut.png", "an astronaut"), ("chelsea.png", "a cat"), ("coffee.png", "a cup of coffee"),
        ("rocket.jpg", "a rocket"), ("motorcycle_left.png", "a motorcycle"), ("horse.png", "a horse"),
        ("coins.png", "coins"), ("moon.png", "the moon"), ("camera.png", "a man with a camera"),
        ("hubble_deep_field.jpg", "galaxies in space"), ("brick.png", "a brick wall"), ("grass.png", "grass"),
        ("gravel.png", "gravel"), ("page.png", "a page of text"), ("retina.jpg", "a retina"), ("cell.png", "a cell"),
    ]

    /// Folders that are not categories of what is drawn: `unsorted`, and the icon themes
    /// (`lemon-theme/…`), whose names say which icon set a picture belongs to.
    static func isCategory(_ folder: String) -> Bool {
        !folder.split(separator: "/").contains { $0 == "unsorted" || $0.hasSuffix("-theme") }
    }

    /// Builds the corpus: every folder under `clipart` (its first `perFolder` PNGs by name), the
    /// photos found in `photos`, and one query per category folder holding at least
    /// `minimumPictures` pictures (its name, `_` and `-` read as spaces, put into `template`'s `{}`)
    /// and per photo.
    init(clipart: URL, photos: URL?, perFolder: Int, minimumPictures: Int, template: String) throws {
        let fileManager = FileManager.default
        guard let walker = fileManager.enumerator(at: clipart, includingPropertiesForKeys: [.isDirectoryKey]) else {
            throw CLIError("cannot read \(clipart.path)")
        }
        var folders = [""]
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true {
            folders.append(String(url.standardizedFileURL.path.dropFirst(clipart.standardizedFileURL.path.count + 1)))
        }
        for folder in folders.sorted() {
            let directory = folder.isEmpty ? clipart : clipart.appendingPathComponent(folder)
            let names = try fileManager.contentsOfDirectory(atPath: directory.path).filter { $0.lowercased().hasSuffix(".png") }.sorted()
            pictures += names.prefix(perFolder).map { Picture(file: directory.appendingPathComponent($0), folder: folder) }
        }
        guard !pictures.isEmpty else { throw CLIError("no PNG pictures under \(clipart.path)") }

        for folder in folders.sorted() where !folder.isEmpty && Self.isCategory(folder) {
            let size = pictures.filter { Self.folder($0.folder, isIn: folder) }.count
            guard size >= minimumPictures, let name = folder.split(separator: "/").last else { continue }
            let words = name.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: "-", with: " ")
            queries.append(Query(text: template.replacingOccurrences(of: "{}", with: words), folder: folder, kind: .category))
        }
        if let photos {
            for (file, caption) in Self.photoCaptions {
                let url = photos.appendingPathComponent(file)
                guard fileManager.fileExists(atPath: url.path) else { continue }
                pictures.append(Picture(file: url, folder: "photos/" + file))
                queries.append(Query(text: caption, folder: "photos/" + file, kind: .photo))
            }
        }
    }

    /// Whether a picture in `folder` answers a query for `category` (the folder or one inside it).
    static func folder(_ folder: String, isIn category: String) -> Bool {
        folder == category || folder.hasPrefix(category + "/")
    }
}

/// How one query ranked the corpus.
struct ConSEQueryResult {
    let query: ConSECorpus.Query
    /// Pictures that answer it.
    let relevant: Int
    /// Of the top `k`, the share that answer it.
    let precisionAtK: Double
    /// The expected precision@k of a random ranking: relevant / corpus size.
    let randomPrecisionAtK: Double
    /// Average precision over the whole ranking.
    let averagePrecision: Double
    /// The 1-based rank of the first relevant picture.
    let firstRelevantRank: Int

    /// Ranks `vectors` (row-major, `dimensions` each, unit length) by cosine to `queryVector`
    /// (unit length) and scores the ranking against the pictures in `query.folder`.
    init(query: ConSECorpus.Query, queryVector: [Float], vectors: [Float], dimensions: Int, folders: [String], k: Int) {
        let count = folders.count
        var scores = [Float](repeating: 0, count: count)
        vectors.withUnsafeBufferPointer { rows in
            for row in 0..<count {
                var dot: Float = 0
                for d in 0..<dimensions { dot += rows[row * dimensions + d] * queryVector[d] }
                scores[row] = dot
            }
        }
        let order = (0..<count).sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }
        let isRelevant = order.map { ConSECorpus.folder(folders[$0], isIn: query.folder) }
        let relevant = isRelevant.filter { $0 }.count
        var hits = 0, precisionSum = 0.0
        for (position, relevantHere) in isRelevant.enumerated() where relevantHere {
            hits += 1
            precisionSum += Double(hits) / Double(position + 1)
        }
        self.query = query
        self.relevant = relevant
        precisionAtK = Double(isRelevant.prefix(k).filter { $0 }.count) / Double(k)
        randomPrecisionAtK = Double(relevant) / Double(count)
        averagePrecision = relevant == 0 ? 0 : precisionSum / Double(relevant)
        firstRelevantRank = (isRelevant.firstIndex(of: true) ?? count) + 1
    }
}

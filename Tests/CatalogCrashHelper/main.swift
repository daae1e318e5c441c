// The child process of the catalog's crash tests. It opens a catalog, does one thing, prints a
// line saying it is done (after which the parent kills it with SIGKILL), and then waits forever
// or keeps working so that the kill lands mid-write.
//
//   catalog-crash-helper import DATA_DIR DATASET SPACE FILE        import, print "ACK <stored>", sleep
//   catalog-crash-helper import-again DATA_DIR DATASET SPACE FILE  import, print "ACK <stored>", re-import forever
//   catalog-crash-helper embed DATA_DIR DATASET SPACE              start an embedding job, print "STARTED" after
//                                                                  its first batch, keep running

import Catalog
import CatalogTestSupport
import Foundation

func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let arguments = CommandLine.arguments
guard arguments.count >= 5 else {
    FileHandle.standardError.write(Data("usage: catalog-crash-helper import|import-again|embed DATA_DIR DATASET SPACE [FILE]\n".utf8))
    exit(2)
}
let (mode, dataDirectory, dataset, space) = (arguments[1], arguments[2], arguments[3], arguments[4])
let models = ModelRegistry(loaded: [TrigramModel(delayPerBatch: .milliseconds(100))])
do {
    let catalog = try await Catalog.open(CatalogConfiguration(dataDirectory: dataDirectory, models: models, durability: .processCrash,
                                                             runsJobs: false))
    switch mode {
    case "import", "import-again":
        let report = try await catalog.importVectors(.ndjson(path: arguments[5]), into: space, in: dataset)
        say("ACK \(report.stored)")
        while mode == "import-again" {
            _ = try await catalog.importVectors(.ndjson(path: arguments[5]), into: space, in: dataset)
        }
    case "embed":
        let job = try await catalog.computeEmbeddings(space: space, in: dataset)
        while try await catalog.job(job.id).done == 0 { try await Task.sleep(for: .milliseconds(5)) }
        say("STARTED \(job.id)")
    default:
        FileHandle.standardError.write(Data("unknown mode \(mode)\n".utf8))
        exit(2)
    }
    while true { try await Task.sleep(for: .seconds(60)) }
} catch {
    FileHandle.standardError.write(Data("catalog-crash-helper: \(error)\n".utf8))
    exit(1)
}

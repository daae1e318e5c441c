import CBLAS
import Synchronization

/// OpenBLAS's thread count while NeuralNet runs its own threads around sgemm.
///
/// A multi-threaded OpenBLAS (Debian's pthread build) holds one lock for the whole of a threaded
/// gemm, so gemms called from several threads at once would run one after another. Code that
/// parallelises around sgemm (the convolution layers, which give each thread its own images or
/// rows) therefore asks OpenBLAS for one thread per call while it runs; the previous count comes
/// back when the last such section ends.
public enum BLASThreads {
    private struct State {
        var sections = 0
        var savedCount: Int32 = 1
    }

    private static let state = Mutex(State())

    /// Runs `body` with OpenBLAS limited to one thread per call. Sections may nest and overlap
    /// between threads; the thread count is restored when the last one ends.
    public static func withSingleThreadedCalls<R>(_ body: () throws -> R) rethrows -> R {
        state.withLock { state in
            if state.sections == 0 {
                state.savedCount = openblas_get_num_threads()
                openblas_set_num_threads(1)
            }
            state.sections += 1
        }
        defer {
            state.withLock { state in
                state.sections -= 1
                if state.sections == 0 { openblas_set_num_threads(state.savedCount) }
            }
        }
        return try body()
    }
}

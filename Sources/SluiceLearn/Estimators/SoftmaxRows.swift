#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The softmax of each row of a block of scores held column by column (score `k` of row `i` at
/// `scores[k × stride + i]`), written row by row (`out[i × outputs + k]`): the step the batch
/// kernels of multinomial logistic regression and naive Bayes share. The arithmetic is the
/// per-row path's — subtract the row's largest score, `exp`, divide by the sum — so a batch gives
/// the same Doubles as one row at a time.
@inline(__always)
func softmaxRows(_ scores: UnsafePointer<Double>, stride: Int, rows: Int, outputs: Int, into out: UnsafeMutablePointer<Double>) {
    for i in 0..<rows {
        let o = out + i * outputs
        var top = -Double.infinity
        for k in 0..<outputs {
            let z = scores[k * stride + i]
            o[k] = z
            top = max(top, z)
        }
        var sum = 0.0
        for k in 0..<outputs { o[k] = exp(o[k] - top); sum += o[k] }
        for k in 0..<outputs { o[k] /= sum }
    }
}

import Foundation
import Testing

@testable import Mail

/// How many 20 KB messages one core signs per second. Printed, not asserted: the figure depends
/// on the machine and on the build configuration (run `swift test -c release -Xswiftc -enable-testing`
/// for release figures).
@Suite("DKIM signing rate", .serialized)
struct DKIMSignerPerformanceTests {
    @Test(arguments: [DKIMTestTools.KeyKind.ed25519, .rsaPKCS1])
    func signingRate(kind: DKIMTestTools.KeyKind) throws {
        let signer = try DKIMSigner(
            domain: "example.org", selector: "herald", privateKeyFile: DKIMTestTools.keyFile(kind))
        let message = DKIMTestTools.largeNewsletter(size: 20 * 1024)
        let timestamp = Date()
        // Warm up, and check that the benchmark signs something verifiable.
        let signed = try signer.sign(message, timestamp: timestamp)
        #expect(try DKIMTestTools.dkimpyVerdict(signed, record: signer.dnsRecord, dnsName: signer.dnsRecordName).verdict == "pass")

        let clock = ContinuousClock()
        let start = clock.now
        var count = 0
        var bytes = 0
        while clock.now - start < .seconds(1) {
            for _ in 0..<10 {
                bytes &+= try signer.sign(message, timestamp: timestamp).count
            }
            count += 10
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        #if DEBUG
            let configuration = "debug"
        #else
            let configuration = "release"
        #endif
        print(
            "DKIM \(signer.algorithm.rawValue): \(Int(Double(count) / seconds)) messages of \(message.count) bytes "
                + "signed per second on one core (\(configuration) build; \(bytes / max(count, 1)) bytes out each)")
    }
}

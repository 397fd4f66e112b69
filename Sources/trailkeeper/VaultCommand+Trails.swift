import AWSWire
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import TrailModel

/// `trailkeeper vault protect-trail NAME [--off]`: termination protection through the reserved tag.
struct VaultProtectTrail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protect-trail",
        abstract: "Turn a trail's termination protection on (or --off): DeleteTrail and DeleteBucket of its bucket are refused.",
        discussion: """
            Sets the tag \(Trail.terminationProtectionTag)=true on the trail (AddTags), or removes it with --off \
            (RemoveTags); the same works with `aws cloudtrail add-tags`. Needs a Trailkeeper server as --endpoint.
            """)

    @OptionGroup var connection: VaultConnectionOptions
    @Argument(help: "The trail's name or ARN.") var trail: String
    @Flag(help: "Remove the protection.") var off = false

    func run() async throws {
        guard connection.endpoint != "aws" else { throw ValidationError("protect-trail needs a Trailkeeper server as --endpoint") }
        let logger = Logger(label: "trailkeeper.vault")
        let (endpoint, configuration, trail, off) = (connection.endpoint, connection.configuration, self.trail, self.off)
        try await HTTPClient.withHTTPClient { http in
            let server = try ServerConnection(endpoint: endpoint, http: http, configuration: configuration, logger: logger)
            let described = try await server.cloudTrail("GetTrail", ["Name": trail])
            guard let arn = (described["Trail"] as? [String: Any])?["TrailARN"] as? String else {
                throw ValidationError("the server did not describe trail \(trail)")
            }
            // Removal names the key alone, so that any value goes.
            let tag: [String: Any] = off ? ["Key": Trail.terminationProtectionTag] : ["Key": Trail.terminationProtectionTag, "Value": "true"]
            _ = try await server.cloudTrail(off ? "RemoveTags" : "AddTags", ["ResourceId": arn, "TagsList": [tag]])
            print("\(arn): termination protection \(off ? "off" : "on")")
        }
    }
}

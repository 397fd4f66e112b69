import AsyncHTTPClient
import Foundation
import Synchronization
import Testing
@testable import TrailAlerts
import TrailStore

/// Email through a real SMTP server written for the test (plain and STARTTLS).
@Suite struct SMTPTargetTests {
    static func alert() -> Alert {
        var finding = Fixtures.finding(9)
        finding.ruleDescription = "Users made outside the pipeline.\n.a line that starts with a dot"
        return Alert(finding: finding, raisedAt: Date())
    }

    @Test func sendsAMessageWithEnvelopeHeadersAndDotStuffing() async throws {
        let receiver = try await SMTPReceiver.start(authMechanisms: "LOGIN")
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(
                "smtp://127.0.0.1:\(receiver.port)?from=trail@example.com&to=sec@example.com,ops@example.com"
                    + "&user=mailer&password=s%20cret&starttls=auto",
                configuration: Fixtures.configuration(http, delivery: Fixtures.patientDelivery)
            )
            #expect(!target.description.contains("cret"))
            try await target.send(Self.alert())
        }
        try await receiver.stop()
        let message = try #require(receiver.recorded.first)
        #expect(receiver.recorded.count == 1)
        #expect(message.mailFrom == "trail@example.com")
        #expect(message.recipients == ["sec@example.com", "ops@example.com"])
        #expect(!message.wasTLS)
        #expect(message.authentication?.user == "mailer")
        #expect(message.authentication?.password == "s cret")
        #expect(message.rawLines.contains("..a line that starts with a dot"))
        let (headers, body) = try Self.split(message.data)
        #expect(headers["From"] == "trail@example.com")
        #expect(headers["To"] == "sec@example.com, ops@example.com")
        #expect(
            headers["Subject"]
                == "[HIGH] CreateUser: arn:aws:iam::123456789012:user/alice called iam:CreateUser from 203.0.113.7")
        #expect(headers["MIME-Version"] == "1.0")
        #expect(headers["Content-Type"] == "text/plain; charset=utf-8")
        #expect(headers["Message-ID"]?.hasSuffix("@example.com>") == true)
        let date = try #require(headers["Date"])
        #expect(
            date.range(
                of: #"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0000$"#,
                options: .regularExpression) != nil)
        #expect(body.contains("\r\n.a line that starts with a dot\r\n"))
        #expect(body.contains("Who:    arn:aws:iam::123456789012:user/alice"))
        #expect(body.contains("Where:  203.0.113.7 in us-east-1"))
        #expect(message.commands.last == "DATA")
        #expect(receiver.quits.withLock { $0 } == 1)
    }

    @Test func upgradesWithSTARTTLSAndAuthenticates() async throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let receiver = try await SMTPReceiver.start(tls: try certificate.serverContext(), authMechanisms: "PLAIN LOGIN")
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(
                "smtp://localhost:\(receiver.port)?from=trail@example.com&to=sec@example.com&user=u&password=p"
                    + "&starttls=require&ca_file=\(certificate.certificatePath)",
                configuration: Fixtures.configuration(http, delivery: Fixtures.patientDelivery)
            )
            try await target.send(Self.alert())
        }
        try await receiver.stop()
        let message = try #require(receiver.recorded.first)
        #expect(message.wasTLS)
        #expect(message.authentication?.user == "u")
        #expect(message.authentication?.password == "p")
        #expect(message.commands.filter { $0.hasPrefix("EHLO") }.count == 2)
        #expect(message.commands.contains("STARTTLS"))
    }

    @Test func implicitTLSWithSMTPS() async throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let receiver = try await SMTPReceiver.start(
            implicitTLS: try certificate.serverContext(), authMechanisms: "PLAIN")
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(
                "smtps://mailer:pw@localhost:\(receiver.port)?from=trail@example.com&to=sec@example.com"
                    + "&ca_file=\(certificate.certificatePath)",
                configuration: Fixtures.configuration(http, delivery: Fixtures.patientDelivery)
            )
            try await target.send(Self.alert())
        }
        try await receiver.stop()
        let message = try #require(receiver.recorded.first)
        #expect(message.wasTLS)
        #expect(!message.commands.contains("STARTTLS"))
        #expect(message.authentication?.user == "mailer")
        #expect(message.authentication?.password == "pw")
    }

    @Test func refusesAnUntrustedCertificate() async throws {
        let certificate = try TestCertificate()
        defer { certificate.remove() }
        let receiver = try await SMTPReceiver.start(tls: try certificate.serverContext())
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(
                "smtp://localhost:\(receiver.port)?from=a@example.com&to=b@example.com&starttls=require",
                configuration: Fixtures.configuration(http)
            )
            await #expect(throws: AlertError.self) { try await target.send(Self.alert()) }
        }
        try await receiver.stop()
        #expect(receiver.recorded.isEmpty)
    }

    @Test func requireFailsWhenSTARTTLSIsNotOffered() async throws {
        let receiver = try await SMTPReceiver.start()
        try await HTTPClient.withHTTPClient { http in
            let target = try AlertTargets.make(
                "smtp://127.0.0.1:\(receiver.port)?from=a@example.com&to=b@example.com&starttls=require",
                configuration: Fixtures.configuration(http)
            )
            let error = await #expect(throws: AlertError.self) { try await target.send(Self.alert()) }
            #expect(error?.code == .rejected)
        }
        try await receiver.stop()
        #expect(receiver.recorded.isEmpty)
    }

    @Test func dotStuffingAndNonASCIIBodies() throws {
        #expect(SMTPMessage.dotStuffed("a\r\n.b\r\n..c\r\n") == "a\r\n..b\r\n...c\r\n.\r\n")
        let message = SMTPMessage(
            from: "a@example.com", to: ["b@example.com"], subject: "Zugriff über Konsole", body: "Grüße\n.dot",
            date: Date(timeIntervalSince1970: 0), messageID: "x@example.com"
        )
        let rendered = message.rendered()
        #expect(
            rendered.contains("Subject: =?UTF-8?B?" + Data("Zugriff über Konsole".utf8).base64EncodedString() + "?="))
        #expect(rendered.contains("Content-Transfer-Encoding: base64"))
        #expect(rendered.contains("Date: Thu, 1 Jan 1970 00:00:00 +0000"))
    }

    /// Headers (unfolded) and body of a message.
    static func split(_ data: String) throws -> ([String: String], String) {
        let parts = data.components(separatedBy: "\r\n\r\n")
        try #require(parts.count >= 2)
        var headers: [String: String] = [:]
        for line in parts[0].components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (headers, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }
}

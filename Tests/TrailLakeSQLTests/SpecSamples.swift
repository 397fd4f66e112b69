/// The adapted sample queries of spec §7.5 (`$EDS` replaced by a store ID), and the multi-store examples of AWS's
/// `query-limitations.md` and `query-lake-cli.md` (plan §1.2).
enum SpecSamples {
    static let store = FixtureResolver.mainStore

    static let spec: [String] = [
        """
        SELECT userIdentity.principalid, eventName FROM \(store) WHERE userIdentity.principalid IS NOT NULL
          AND eventTime > '2023-01-22 00:00:00' AND eventTime < '2023-01-23 00:00:00' AND eventName = 'CreateBucket';
        """,
        """
        SELECT eventSource, eventName, COUNT(*) AS apiCount FROM \(store) WHERE eventTime > '2023-01-01 00:00:00'
        GROUP BY eventSource, eventName ORDER BY apiCount DESC;
        """,
        """
        SELECT eventTime, userIdentity.arn, awsRegion FROM \(store)
        WHERE awsRegion IN ('us-east-1','us-west-2') AND eventName = 'ConsoleLogin';
        """,
        """
        SELECT * FROM \(store) WHERE eventSource = 'signin.amazonaws.com' AND eventName = 'ConsoleLogin'
          AND element_at(additionalEventData, 'MFAUsed') = 'No';
        """,
        """
        SELECT element_at(requestParameters,'bucketName') AS bucketName, element_at(requestParameters,'key') AS key,
               COUNT(*) AS requestCount FROM \(store)
        WHERE eventSource = 's3.amazonaws.com' AND eventCategory = 'Data' AND eventName = 'GetObject'
          AND eventTime > '2024-05-01 00:00:00'
        GROUP BY element_at(requestParameters,'bucketName'), element_at(requestParameters,'key')
        ORDER BY requestCount DESC LIMIT 20;
        """,
        """
        SELECT errorCode, errorMessage, COUNT(*) AS eventCount FROM \(store)
        WHERE eventTime > '2024-05-01 00:00:00' AND (errorCode IS NOT NULL OR errorMessage IS NOT NULL)
        GROUP BY errorCode, errorMessage ORDER BY eventCount DESC LIMIT 10;
        """,
        """
        SELECT userIdentity.principalid, eventName, userIdentity.accountId, recipientAccountId, eventTime FROM \(store)
        WHERE eventTime > '2024-04-30 00:00:00' AND userIdentity.accountId != recipientAccountId;
        """,
        """
        SELECT eventName, userIdentity.arn AS actor, element_at(requestParameters,'groupId') AS sg FROM \(store)
        WHERE eventName = 'AuthorizeSecurityGroupIngress' AND element_at(requestParameters,'ipPermissions') LIKE '%0.0.0.0/0%';
        """,
        """
        SELECT eventName, sourceIPAddress, tlsDetails.tlsversion FROM \(store) WHERE tlsDetails.tlsversion != 'TLSv1.3';
        """,
        """
        SELECT element_at(responseElements,'queryId'), element_at(requestParameters,'queryStatement') FROM \(store)
        WHERE eventName = 'StartQuery' AND eventSource = 'cloudtrail.amazonaws.com' AND responseElements IS NOT NULL;
        """,
        """
        SELECT day_of_week(eventTime) AS weekday, COUNT(*) AS n FROM \(store) WHERE eventCategory = 'Data'
        GROUP BY day_of_week(eventTime) ORDER BY day_of_week(eventTime);
        """,
    ]

    static let documentation: [String] = [
        "Select eventId, eventName from EDS1 UNION Select eventId, eventName from EDS2 UNION ALL Select eventId, eventName from EDS3 ORDER BY eventId LIMIT 10;",
        "SELECT edsA.eventName, edsB.eventName FROM eds1 as edsA LEFT JOIN eds2 as edsB ON edsA.eventId = edsB.eventId WHERE edsA.eventtime <= '2020-01-01' ORDER BY edsB.eventName;",
        "SELECT eventID, eventTime FROM \(store) LIMIT 10",
    ]
}

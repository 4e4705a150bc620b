@testable import S3
import WireCore
import XCTest

final class S3XMLTests: XCTestCase {
    let reader = XMLReader()

    /// The ListObjectsV2 example of the S3 API reference.
    let listExample = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
            <Name>bucket</Name>
            <Prefix/>
            <KeyCount>205</KeyCount>
            <MaxKeys>1000</MaxKeys>
            <IsTruncated>false</IsTruncated>
            <Contents>
                <Key>my-image.jpg</Key>
                <LastModified>2009-10-12T17:50:30.000Z</LastModified>
                <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag>
                <Size>434234</Size>
                <StorageClass>STANDARD</StorageClass>
            </Contents>
        </ListBucketResult>
        """

    func testParsesTheListObjectsV2Example() throws {
        let root = try reader.parse(listExample)
        XCTAssertEqual(root.name, "ListBucketResult")
        XCTAssertEqual(root.attribute("xmlns"), "http://s3.amazonaws.com/doc/2006-03-01/")
        let page = try S3Client.listPage(root)
        XCTAssertEqual(page.objects, [S3ObjectSummary(key: "my-image.jpg", size: 434234, eTag: "\"fba9dede5f27731c9771645a39863328\"",
                                                      lastModified: "2009-10-12T17:50:30.000Z", storageClass: "STANDARD")])
        XCTAssertFalse(page.isTruncated)
        XCTAssertEqual(page.keyCount, 205)
        XCTAssertEqual(root.text(of: "Prefix"), "")
    }

    func testURLEncodedListKeysAreDecoded() throws {
        let root = try reader.parse("""
            <ListBucketResult><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>
            <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
            <Contents><Key>a+b%2Bc%2Fd%C3%A9</Key><Size>1</Size></Contents>
            <CommonPrefixes><Prefix>x%20y/</Prefix></CommonPrefixes></ListBucketResult>
            """)
        let page = try S3Client.listPage(root)
        XCTAssertEqual(page.objects.map(\.key), ["a b+c/dé"])
        XCTAssertEqual(page.commonPrefixes, ["x y/"])
        XCTAssertEqual(page.nextContinuationToken, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=")
        XCTAssertTrue(page.isTruncated)
    }

    func testErrorBodyBecomesATypedError() throws {
        let root = try reader.parse("""
            <?xml version="1.0" encoding="UTF-8"?>
            <Error>
              <Code>NoSuchKey</Code>
              <Message>The resource you requested does not exist</Message>
              <Resource>/mybucket/myfoto.jpg</Resource>
              <RequestId>4442587FB7D0A2F9</RequestId>
            </Error>
            """)
        let error = S3Client.serviceError(root, status: 404, fallbackRequestId: nil)
        XCTAssertEqual(error.code, .noSuchKey)
        XCTAssertEqual(error.message, "The resource you requested does not exist")
        XCTAssertEqual(error.requestId, "4442587FB7D0A2F9")
        XCTAssertFalse(error.isRetriable)
        let slow = S3Client.serviceError(try reader.parse("<Error><Code>SlowDown</Code><Message>Reduce</Message></Error>"), status: 503, fallbackRequestId: "R")
        XCTAssertEqual(slow.code, .slowDown)
        XCTAssertEqual(slow.requestId, "R")
        XCTAssertTrue(slow.isRetriable)
        let other = S3Client.serviceError(try reader.parse("<Error><Code>Throttling</Code></Error>"), status: 400, fallbackRequestId: nil)
        XCTAssertEqual(other.code, .otherServiceError)
        XCTAssertEqual(other.serviceCode, "Throttling")
        XCTAssertTrue(other.isRetriable, "throttling codes are retriable whatever their status")
        let unknown = S3Client.serviceError(try reader.parse("<Error><Code>MalformedXML</Code></Error>"), status: 400, fallbackRequestId: nil)
        XCTAssertEqual(unknown.code, .otherServiceError)
        XCTAssertFalse(unknown.isRetriable)
        // Client-side codes cannot be forged by a server's <Code>.
        let forged = S3Client.serviceError(try reader.parse("<Error><Code>HTTPFailure</Code></Error>"), status: 400, fallbackRequestId: nil)
        XCTAssertEqual(forged.code, .otherServiceError)
    }

    func testEntitiesCDATACommentsAndProcessingInstructions() throws {
        let root = try reader.parse("""
            <?xml version="1.0"?><!-- prolog --><a x='1' y="&lt;&amp;&gt;"><?pi stuff?><b>&#65;&#x42;&quot;&apos;</b><!-- c --><c><![CDATA[<raw> & ]]></c><d/>text</a>
            """)
        XCTAssertEqual(root.attribute("y"), "<&>")
        XCTAssertEqual(root.text(of: "b"), "AB\"'")
        XCTAssertEqual(root.text(of: "c"), "<raw> & ")
        XCTAssertEqual(root.child("d")?.text, "")
        XCTAssertEqual(root.text, "text")
        XCTAssertEqual(root.children.map(\.name), ["b", "c", "d"])
        XCTAssertEqual(try reader.parse("<p:a xmlns:p='u'><p:b>v</p:b></p:a>").text(of: "b"), "v", "local names match across prefixes")
    }

    func testRefusesMalformedAndDangerousDocuments() {
        let bad: [(String, String)] = [
            ("", "empty"),
            ("text", "no root"),
            ("<a>", "unclosed"),
            ("<a></b>", "mismatched"),
            ("<a></a><b/>", "two roots"),
            ("<a x=1/>", "unquoted attribute"),
            ("<a x='1' x='2'/>", "duplicate attribute"),
            ("<a>&unknown;</a>", "unknown entity"),
            ("<a>&#0;</a>", "NUL reference"),
            ("<a>&#xD800;</a>", "surrogate reference"),
            ("<a>&amp</a>", "unterminated entity"),
            ("<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>", "DTD"),
            ("<a><!DOCTYPE b></a>", "declaration inside"),
            ("<1a/>", "name starting with a digit"),
            ("<a><!-- never closed </a>", "unterminated comment"),
            ("<a><![CDATA[ open </a>", "unterminated CDATA"),
            ("<a b='<'/>", "< in attribute"),
        ]
        for (text, why) in bad {
            XCTAssertThrowsError(try reader.parse(text), why) { error in
                XCTAssertEqual((error as? S3Error)?.code, .malformedResponse, why)
            }
        }
        XCTAssertThrowsError(try reader.parse([0x3C, 0x61, 0x3E, 0xFF, 0xFE, 0x3C, 0x2F, 0x61, 0x3E]), "invalid UTF-8 text")
    }

    func testLimits() {
        let deep = String(repeating: "<a>", count: 100) + String(repeating: "</a>", count: 100)
        XCTAssertThrowsError(try XMLReader(limits: .init(maxDepth: 64)).parse(deep))
        XCTAssertNoThrow(try XMLReader(limits: .init(maxDepth: 101)).parse(deep))
        let many = "<r>" + String(repeating: "<e/>", count: 1000) + "</r>"
        XCTAssertThrowsError(try XMLReader(limits: .init(maxElements: 500)).parse(many))
        XCTAssertNoThrow(try XMLReader(limits: .init(maxElements: 1001)).parse(many))
        XCTAssertThrowsError(try XMLReader(limits: .init(maxNameLength: 8)).parse("<abcdefghij/>"))
        XCTAssertThrowsError(try XMLReader(limits: .init(maxAttributes: 2)).parse("<a x='1' y='2' z='3'/>"))
        XCTAssertThrowsError(try XMLReader(limits: .init(maxInputBytes: 10)).parse("<a>0123456789</a>"))
    }

    func testWriterEscapesAndRoundTrips() throws {
        let element = XMLElement("CompleteMultipartUpload", attributes: [("xmlns", "http://s3.amazonaws.com/doc/2006-03-01/")], children: [
            XMLElement("Part", children: [XMLElement("PartNumber", text: "1"), XMLElement("ETag", text: "\"a<b>&c'\r\"")]),
            XMLElement("Empty"),
        ])
        let bytes = XMLWriter.document(element)
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CompleteMultipartUpload xmlns="))
        XCTAssertTrue(text.contains("<ETag>&quot;a&lt;b&gt;&amp;c&apos;&#13;&quot;</ETag>"))
        XCTAssertTrue(text.contains("<Empty/>"))
        XCTAssertEqual(try reader.parse(bytes), element)
    }

    func testNotificationConfigurationXML() throws {
        let config = S3NotificationConfiguration(
            topics: [.init(id: "t", arn: "arn:aws:sns:us-east-1:000000000000:topic", events: ["s3:ObjectCreated:*"])],
            queues: [.init(arn: "arn:aws:sqs:us-east-1:000000000000:q", events: ["s3:ObjectRemoved:*", "s3:ObjectCreated:Put"],
                           prefix: "in/", suffix: ".json")])
        let root = try reader.parse(XMLWriter.document(config.xml))
        XCTAssertEqual(root.child("TopicConfiguration")?.text(of: "Topic"), "arn:aws:sns:us-east-1:000000000000:topic")
        XCTAssertEqual(root.child("TopicConfiguration")?.text(of: "Id"), "t")
        let queue = try XCTUnwrap(root.child("QueueConfiguration"))
        XCTAssertEqual(queue.children("Event").map(\.text), ["s3:ObjectRemoved:*", "s3:ObjectCreated:Put"])
        let rules = queue.child("Filter")?.child("S3Key")?.children("FilterRule") ?? []
        XCTAssertEqual(rules.map { [$0.text(of: "Name") ?? "", $0.text(of: "Value") ?? ""] }, [["prefix", "in/"], ["suffix", ".json"]])
    }

    func testBase64() {
        XCTAssertEqual(Base64.encode([]), "")
        XCTAssertEqual(Base64.encode(Array("f".utf8)), "Zg==")
        XCTAssertEqual(Base64.encode(Array("fo".utf8)), "Zm8=")
        XCTAssertEqual(Base64.encode(Array("foo".utf8)), "Zm9v")
        XCTAssertEqual(Base64.encode(Array("foobar".utf8)), "Zm9vYmFy")
        XCTAssertEqual(Base64.encode([0xFF, 0xFE, 0xFD, 0x00]), "//79AA==")
    }
}

// Not generated: sizes a Produce frame by the record batches it carries, so the frame is
// allocated once at its full size (a megabyte of records grown from 256 bytes would be copied
// a dozen times).
extension ProduceRequest {
    public var encodedSizeHint: Int {
        var size = 64 + (transactionalId?.utf8.count ?? 0)
        for topic in topicData {
            size += 16 + topic.name.utf8.count
            for partition in topic.partitionData { size += 16 + (partition.records?.count ?? 0) }
        }
        return size
    }
}

/// The sticky assignment (Kafka's StickyAssignor and CooperativeStickyAssignor, KIP-54 and
/// KIP-429): as balanced as the subscriptions allow, moving as few owned partitions as it can.
/// A pure function of its inputs, run by the group leader.
///
/// 1. Ownership claims are checked: a claim on a partition that does not exist or on a topic the
///    member no longer reads is dropped; when two members claim one partition, the claim from
///    the newer generation wins and a tie leaves the partition unowned (Kafka does the same).
/// 2. Every member keeps what it owns; each unowned partition goes to the least loaded member
///    that reads its topic.
/// 3. While some member has two or more partitions more than another member that could take one
///    of them, one moves (a partition the giver did not own before goes first). Every move
///    lowers the sum of squared loads, so this ends.
/// 4. Cooperative: a partition whose owner is another member is left out of this round. Its
///    owner sees it gone, gives it up and rejoins, and the next round hands it out unowned.
enum KafkaStickyAssignment {
    static func assign(members: [String: KafkaGroupSubscription], partitionCounts: [String: Int],
                       cooperative: Bool) -> [String: [KafkaTopicPartition]] {
        let memberIds = members.keys.sorted()
        var readers: [String: [String]] = [:]
        for member in memberIds {
            for topic in Set(members[member]?.topics ?? []) { readers[topic, default: []].append(member) }
        }
        var allPartitions: [KafkaTopicPartition] = []
        for topic in readers.keys.sorted() {
            for partition in 0..<Swift.max(0, partitionCounts[topic] ?? 0) {
                allPartitions.append(KafkaTopicPartition(topic, Int32(partition)))
            }
        }
        let owner = validOwners(members: members, memberIds: memberIds, partitionCounts: partitionCounts)

        var assignment: [String: Set<KafkaTopicPartition>] = [:]
        for member in memberIds { assignment[member] = [] }
        for (partition, member) in owner { assignment[member]?.insert(partition) }
        func load(_ member: String) -> Int { assignment[member]?.count ?? 0 }
        func leastLoaded(_ candidates: [String]) -> String? {
            candidates.min { (load($0), $0) < (load($1), $1) }
        }

        for partition in allPartitions where owner[partition] == nil {
            if let member = leastLoaded(readers[partition.topic] ?? []) { assignment[member]?.insert(partition) }
        }

        // Balance: move one partition at a time from the most loaded member that can give one.
        var moved = true
        while moved {
            moved = false
            let givers = memberIds.sorted { load($0) != load($1) ? load($0) > load($1) : $0 < $1 }
            search: for giver in givers {
                let held = (assignment[giver] ?? []).sorted()
                // Partitions the giver did not own before go first, then the highest-numbered.
                let order = Array(held.filter { owner[$0] != giver }.reversed()) + Array(held.filter { owner[$0] == giver }.reversed())
                for partition in order {
                    let takers = (readers[partition.topic] ?? []).filter { load($0) + 2 <= load(giver) }
                    if let taker = leastLoaded(takers) {
                        assignment[giver]?.remove(partition)
                        assignment[taker]?.insert(partition)
                        moved = true
                        break search
                    }
                }
            }
        }

        var result: [String: [KafkaTopicPartition]] = [:]
        for member in memberIds {
            var partitions = assignment[member] ?? []
            if cooperative {
                partitions = partitions.filter { owner[$0] == nil || owner[$0] == member }
            }
            result[member] = partitions.sorted()
        }
        return result
    }

    /// Partition -> the member whose claim on it stands.
    private static func validOwners(members: [String: KafkaGroupSubscription], memberIds: [String],
                                    partitionCounts: [String: Int]) -> [KafkaTopicPartition: String] {
        var claims: [KafkaTopicPartition: [(member: String, generation: Int32)]] = [:]
        for member in memberIds {
            guard let subscription = members[member] else { continue }
            let topics = Set(subscription.topics)
            for partition in Set(subscription.ownedPartitions)
            where topics.contains(partition.topic) && partition.partition >= 0
                && Int(partition.partition) < (partitionCounts[partition.topic] ?? 0) {
                claims[partition, default: []].append((member, subscription.generation))
            }
        }
        var owner: [KafkaTopicPartition: String] = [:]
        for (partition, claimants) in claims {
            let newest = claimants.map(\.generation).max() ?? -1
            let winners = claimants.filter { $0.generation == newest }
            if winners.count == 1 { owner[partition] = winners[0].member }
        }
        return owner
    }
}

package listeners

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"github.com/segmentio/kafka-go"
)

// stickyBalancer assigns the group's partitions so that each stays with the
// member holding it, as long as that member is still in the group (Ocean's
// consumers use librdkafka's cooperative-sticky strategy, which kafka-go does
// not have). Without it a second instance joining could take the partitions
// from the active one in the middle of a resync; with it the newcomer waits
// as a standby. Each member tells what it holds in its join metadata;
// partitions nobody holds go to the member holding the fewest. There is no
// spreading of held partitions: one instance consuming is what is wanted.
type stickyBalancer struct {
	mu   sync.Mutex
	held map[string][]int // topic → partitions this member holds
}

func (b *stickyBalancer) ProtocolName() string { return "ocean-sticky" }

// UserData is what this member holds, sent when it joins.
func (b *stickyBalancer) UserData() ([]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return json.Marshal(b.held)
}

// hold records the partitions of a new generation (nil: none).
func (b *stickyBalancer) hold(assignments map[string][]kafka.PartitionAssignment) {
	held := make(map[string][]int, len(assignments))
	for topic, parts := range assignments {
		for _, p := range parts {
			held[topic] = append(held[topic], p.ID)
		}
	}
	b.mu.Lock()
	b.held = held
	b.mu.Unlock()
}

type topicPartition struct {
	topic     string
	partition int
}

func (b *stickyBalancer) AssignGroups(members []kafka.GroupMember, partitions []kafka.Partition) kafka.GroupMemberAssignments {
	members = slices.Clone(members)
	slices.SortFunc(members, func(a, b kafka.GroupMember) int { return strings.Compare(a.ID, b.ID) })
	out := make(kafka.GroupMemberAssignments, len(members))
	// A partition two members claim (after a split of the group) goes to the
	// first one.
	holder := map[topicPartition]string{}
	for _, m := range members {
		out[m.ID] = map[string][]int{}
		var held map[string][]int
		_ = json.Unmarshal(m.UserData, &held) // another balancer's data: holds nothing
		for topic, parts := range held {
			if !slices.Contains(m.Topics, topic) {
				continue
			}
			for _, p := range parts {
				tp := topicPartition{topic, p}
				if _, taken := holder[tp]; !taken {
					holder[tp] = m.ID
				}
			}
		}
	}
	count := map[string]int{}
	var free []kafka.Partition
	for _, p := range partitions {
		if h, ok := holder[topicPartition{p.Topic, p.ID}]; ok {
			out[h][p.Topic] = append(out[h][p.Topic], p.ID)
			count[h]++
		} else {
			free = append(free, p)
		}
	}
	slices.SortFunc(free, func(a, b kafka.Partition) int {
		if c := strings.Compare(a.Topic, b.Topic); c != 0 {
			return c
		}
		return a.ID - b.ID
	})
	for _, p := range free {
		best := ""
		for _, m := range members {
			if slices.Contains(m.Topics, p.Topic) && (best == "" || count[m.ID] < count[best]) {
				best = m.ID
			}
		}
		if best != "" {
			out[best][p.Topic] = append(out[best][p.Topic], p.ID)
			count[best]++
		}
	}
	return out
}

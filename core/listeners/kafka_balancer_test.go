package listeners

import (
	"encoding/json"
	"testing"

	"github.com/segmentio/kafka-go"
	"github.com/stretchr/testify/assert"
)

func TestStickyBalancer(t *testing.T) {
	holding := func(id string, held map[string][]int, topics ...string) kafka.GroupMember {
		data, err := json.Marshal(held)
		if err != nil {
			t.Fatal(err)
		}
		return kafka.GroupMember{ID: id, Topics: topics, UserData: data}
	}
	parts := func(topic string, ids ...int) []kafka.Partition {
		var ps []kafka.Partition
		for _, id := range ids {
			ps = append(ps, kafka.Partition{Topic: topic, ID: id})
		}
		return ps
	}
	for _, tc := range []struct {
		name       string
		members    []kafka.GroupMember
		partitions []kafka.Partition
		want       kafka.GroupMemberAssignments
	}{
		{"a newcomer does not take the partition held",
			[]kafka.GroupMember{holding("a-new", nil, "t"), holding("b-old", map[string][]int{"t": {0}}, "t")},
			parts("t", 0),
			kafka.GroupMemberAssignments{"a-new": {}, "b-old": {"t": {0}}}},
		{"free partitions go to the member holding fewest",
			[]kafka.GroupMember{holding("a", map[string][]int{"t": {0, 1}}, "t"), holding("b", nil, "t")},
			parts("t", 0, 1, 2, 3),
			kafka.GroupMemberAssignments{"a": {"t": {0, 1}}, "b": {"t": {2, 3}}}},
		{"the partitions of a member gone are free",
			[]kafka.GroupMember{holding("b", nil, "t")},
			parts("t", 0),
			kafka.GroupMemberAssignments{"b": {"t": {0}}}},
		{"a partition claimed twice goes to the first member",
			[]kafka.GroupMember{holding("b", map[string][]int{"t": {0}}, "t"), holding("a", map[string][]int{"t": {0}}, "t")},
			parts("t", 0),
			kafka.GroupMemberAssignments{"a": {"t": {0}}, "b": {}}},
		{"a partition that no longer exists is dropped",
			[]kafka.GroupMember{holding("a", map[string][]int{"t": {0, 5}}, "t")},
			parts("t", 0),
			kafka.GroupMemberAssignments{"a": {"t": {0}}}},
		{"only subscribers get a topic's partitions",
			[]kafka.GroupMember{holding("a", map[string][]int{"u": {0}}, "t"), holding("b", nil, "u")},
			append(parts("t", 0), parts("u", 0)...),
			kafka.GroupMemberAssignments{"a": {"t": {0}}, "b": {"u": {0}}}},
		{"metadata of another balancer holds nothing",
			[]kafka.GroupMember{{ID: "a", Topics: []string{"t"}, UserData: []byte{0, 1}}},
			parts("t", 0),
			kafka.GroupMemberAssignments{"a": {"t": {0}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b stickyBalancer
			assert.Equal(t, tc.want, b.AssignGroups(tc.members, tc.partitions))
		})
	}
}

// What a member holds is what it tells the group when it joins again.
func TestStickyBalancerUserData(t *testing.T) {
	var b stickyBalancer
	b.hold(map[string][]kafka.PartitionAssignment{"t": {{ID: 2, Offset: 7}, {ID: 0, Offset: -2}}})
	data, err := b.UserData()
	assert.NoError(t, err)
	assert.JSONEq(t, `{"t":[2,0]}`, string(data))
	b.hold(nil)
	data, err = b.UserData()
	assert.NoError(t, err)
	assert.JSONEq(t, `{}`, string(data))
}

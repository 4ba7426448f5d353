package config

import (
	"os"
	"runtime"
	"strconv"
	"strings"
)

const cgroupCPUMax = "/sys/fs/cgroup/cpu.max"

// cpuLimit is the number of CPUs this process may use: the cgroup v2 quota
// ("<quota> <period>", rounded up) when one is set, else the host's CPUs.
// Containers often see all host CPUs in NumCPU but are throttled to fewer.
func cpuLimit(cpuMaxFile string) int {
	data, err := os.ReadFile(cpuMaxFile)
	if err != nil {
		return runtime.NumCPU()
	}
	fields := strings.Fields(string(data))
	if len(fields) != 2 || fields[0] == "max" {
		return runtime.NumCPU()
	}
	quota, err1 := strconv.ParseInt(fields[0], 10, 64)
	period, err2 := strconv.ParseInt(fields[1], 10, 64)
	if err1 != nil || err2 != nil || quota <= 0 || period <= 0 {
		return runtime.NumCPU()
	}
	return int(max(1, (quota+period-1)/period))
}

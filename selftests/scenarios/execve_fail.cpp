// SPDX-License-Identifier: GPL-2.0
// A failing execve() in per CPU mode (the reproducer of the 7.2/7.3 hard
// lockup). sched_mm_cid_before_execve() drops the last user; its "last
// user" path ignores the switch back to per task mode, which is fine if
// the mm dies, but a failed execve() keeps the mm: the CIDs other CPUs own
// stay taken, and the next thread finds the pool empty and spins in
// mm_get_cid() with interrupts off. Deterministic on any number of CPUs:
//
//  1. start on one CPU and create a thread: per CPU mode with pcpu_thrs 1,
//     which the exit of that thread does not leave;
//  2. widen the affinity and run on every CPU: each one owns a CID;
//  3. execve() a file which is not an executable (ENOEXEC);
//  4. pthread_create().
#include "scenarios.hpp"

#include "../lib/rseq_thread.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

namespace mmcid::scenarios
{

namespace
{
void pin_to(int cpu)
{
	cpu_set_t mask;
	CPU_ZERO(&mask);
	CPU_SET(cpu, &mask);
	sched_setaffinity(0, sizeof(mask), &mask);
	usleep(1000); // schedule in there
}

bool write_non_executable(const char *path)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return false;
	// mkstemp() made it 0600: execve() would fail with EACCES before it
	// gets to the mm_cid hook.
	if (fchmod(fd, 0755)) {
		close(fd);
		return false;
	}
	static const char text[] = "this is not an executable\n";
	bool ok = write(fd, text, sizeof(text) - 1) == sizeof(text) - 1;
	close(fd);
	return ok;
}
} // namespace

int execve_fail(Workload &w)
{
	if (!w.options().allow_lockup) {
		printf(
		    "# execve-fail: skipped: hard-locks affected kernels (7.2, 7.3); run it in a "
		    "VM with --allow-lockup\n");
		return 4; // KSFT_SKIP
	}
	ThreadRseq rseq;
	const unsigned possible = w.thresholds().possible;
	// 1. The process may only run on one CPU: two users exceed max_cids.
	w.add_worker(Behavior::spin);
	w.remove_worker();
	printf("# execve-fail: per CPU mode expected: %s, pcpu_thrs %u, users %u\n",
	       w.model().percpu() ? "yes" : "no", w.model().pcpu_thrs(), w.model().users());
	// 2. Widen and visit every CPU.
	cpu_set_t all;
	CPU_ZERO(&all);
	for (unsigned c = 0; c < possible; c++)
		CPU_SET(c, &all);
	sched_setaffinity(0, sizeof(all), &all);
	w.widened_to(possible);
	for (unsigned c = 0; c < possible; c++) {
		pin_to(c);
		w.controller_progress();
	}
	pin_to(0);
	printf("# execve-fail: mm_cid %u on cpu %u before execve()\n", rseq.mm_cid(),
	       rseq.cpu_id());
	// 3. A file that exists and is executable, but is not an executable.
	char path[] = "/tmp/mm_cid_not_an_executable.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || (close(fd), !write_non_executable(path))) {
		printf("# execve-fail: cannot create %s: %s\n", path, strerror(errno));
		return 1;
	}
	char *argv[] = {path, nullptr};
	int rc = execve(path, argv, environ);
	int err = errno;
	unlink(path);
	uint32_t cid = rseq.mm_cid();
	printf("# execve-fail: execve() = %d (%s), then mm_cid %u on cpu %u\n", rc, strerror(err),
	       cid, rseq.cpu_id());
	if (rc != -1 || err != ENOEXEC) {
		printf(
		    "# execve-fail: execve() should fail with ENOEXEC after the mm_cid hook, got "
		    "%d (%s)\n",
		    rc, strerror(err));
		return 1;
	}
	// One user: after the failed execve() max_cids is 1.
	bool dense = cid < w.thresholds().max_cids(1);
	if (!dense)
		printf("# execve-fail: mm_cid %u of the only thread is not below max_cids %u\n",
		       cid, w.thresholds().max_cids(1));
	// 4. On an affected kernel this thread creation never returns.
	printf("# execve-fail: creating a thread\n");
	fflush(stdout);
	w.add_worker(Behavior::spin);
	w.settle();
	w.remove_worker();
	printf("# execve-fail: thread created and joined\n");
	return err == ENOEXEC && dense ? 0 : 1;
}

} // namespace mmcid::scenarios

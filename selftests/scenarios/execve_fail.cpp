// SPDX-License-Identifier: GPL-2.0-only
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
//
// The neighbours: several failures in a row, a failure from the highest
// CPU (the CID the thread gets back), a failure of another kind after the
// hook (missing "#!" interpreter), and two controls which must pass on
// every kernel: EACCES (fails before the hook) and a successful execve().
#include "scenarios.hpp"

#include "kselftest.h"

#include "../lib/rseq_thread.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sched.h>
#include <string>
#include <sys/stat.h>
#include <thread>
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

// What the file execve() is given contains, and so where execve() fails.
enum class ExecFile {
	text,	     // 0755, plain text: ENOEXEC, after the mm_cid hook
	bad_interp,  // 0755, "#!" naming a missing interpreter: ENOENT, after the hook
	not_allowed, // 0600: EACCES before the hook (control)
	self,	     // this program: execve() succeeds (control)
};

struct ExecCase {
	const char *name;
	ExecFile file;
	unsigned times;	  // failing execve()s in a row
	bool on_last_cpu; // execve() from the highest CPU instead of CPU 0
};

bool write_file(const char *path, ExecFile kind)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return false;
	// mkstemp() made it 0600, which fails with EACCES before execve()
	// gets to the mm_cid hook: only the control case keeps that.
	if (kind != ExecFile::not_allowed && fchmod(fd, 0755)) {
		close(fd);
		return false;
	}
	const char *text = kind == ExecFile::bad_interp ? "#!/nonexistent/interpreter\n"
							: "this is not an executable\n";
	bool ok = write(fd, text, strlen(text)) == static_cast<ssize_t>(strlen(text));
	close(fd);
	return ok;
}

int expected_errno(ExecFile kind)
{
	switch (kind) {
	case ExecFile::text:
		return ENOEXEC;
	case ExecFile::bad_interp:
		return ENOENT;
	case ExecFile::not_allowed:
		return EACCES;
	case ExecFile::self:
		break;
	}
	return 0;
}

int execve_case(Workload &w, const ExecCase &c)
{
	const bool can_lock_up = c.file == ExecFile::text || c.file == ExecFile::bad_interp;
	if (can_lock_up && !w.options().allow_lockup) {
		printf("# %s: skipped: hard-locks affected kernels (7.2, 7.3); run it in a VM "
		       "with --allow-lockup\n",
		       c.name);
		return KSFT_SKIP;
	}
	ThreadRseq rseq;
	const unsigned possible = w.thresholds().possible;
	// 1. The process may only run on one CPU: two users exceed max_cids.
	w.add_worker(Behavior::spin);
	w.remove_worker();
	printf("# %s: per CPU mode expected: %s, pcpu_thrs %u, users %u\n", c.name,
	       w.model().percpu() ? "yes" : "no", w.model().pcpu_thrs(), w.model().users());
	// 2. Widen and visit every CPU.
	cpu_set_t all;
	CPU_ZERO(&all);
	for (unsigned cpu = 0; cpu < possible; cpu++)
		CPU_SET(cpu, &all);
	sched_setaffinity(0, sizeof(all), &all);
	w.widened_to(possible);
	for (unsigned cpu = 0; cpu < possible; cpu++) {
		pin_to(cpu);
		w.controller_progress();
	}
	pin_to(c.on_last_cpu ? possible - 1 : 0);
	printf("# %s: mm_cid %u on cpu %u before execve()\n", c.name, rseq.mm_cid(), rseq.cpu_id());

	if (c.file == ExecFile::self) {
		// The new image creates a thread and exits; its status is ours.
		char self[] = "/proc/self/exe", flag[] = "--exec-child";
		char *argv[] = {self, flag, nullptr};
		fflush(stdout);
		execve(self, argv, environ);
		printf("# %s: execve(%s): %s\n", c.name, self, strerror(errno));
		return 1;
	}

	// 3. A file which exists but does not execute.
	char path[] = "/tmp/mm_cid_not_an_executable.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || (close(fd), !write_file(path, c.file))) {
		printf("# %s: cannot create %s: %s\n", c.name, path, strerror(errno));
		return 1;
	}
	bool as_expected = true, dense = true;
	for (unsigned i = 0; i < c.times; i++) {
		char *argv[] = {path, nullptr};
		int rc = execve(path, argv, environ);
		int err = errno;
		// EACCES comes before sched_mm_cid_before_execve().
		if (rc == -1 && c.file != ExecFile::not_allowed)
			w.exec_failed();
		uint32_t cid = rseq.mm_cid();
		printf("# %s: execve() #%u = %d (%s), then mm_cid %u on cpu %u\n", c.name, i + 1,
		       rc, strerror(err), cid, rseq.cpu_id());
		if (rc != -1 || err != expected_errno(c.file)) {
			printf("# %s: execve() should fail with %s, got %d (%s)\n", c.name,
			       strerror(expected_errno(c.file)), rc, strerror(err));
			as_expected = false;
		}
		// One user: after the failed execve() max_cids is 1 (a bound
		// of the kernel's formulas), and any kernel keeps the CID
		// below num_possible_cpus(). The CID shows up in user space at
		// the next return from the kernel.
		const unsigned bound =
		    w.white_box() ? w.thresholds().max_cids(1) : w.thresholds().possible;
		if (cid >= bound) {
			printf("# %s: mm_cid %u of the only thread is not below %u\n", c.name, cid,
			       bound);
			dense = false;
		}
	}
	unlink(path);
	// 4. On an affected kernel this thread creation never returns.
	printf("# %s: creating a thread\n", c.name);
	fflush(stdout);
	w.add_worker(Behavior::spin);
	w.settle();
	w.remove_worker();
	printf("# %s: thread created and joined\n", c.name);
	return as_expected && dense ? 0 : 1;
}
} // namespace

int execve_fail(Workload &w)
{
	return execve_case(w, {"execve-fail", ExecFile::text, 1, false});
}

int execve_fail_repeat(Workload &w)
{
	return execve_case(w, {"execve-fail-repeat", ExecFile::text, 3, false});
}

int execve_fail_last_cpu(Workload &w)
{
	return execve_case(w, {"execve-fail-last-cpu", ExecFile::text, 1, true});
}

int execve_fail_interp(Workload &w)
{
	return execve_case(w, {"execve-fail-interp", ExecFile::bad_interp, 1, false});
}

int execve_eacces(Workload &w)
{
	return execve_case(w, {"execve-eacces", ExecFile::not_allowed, 1, false});
}

int execve_ok(Workload &w)
{
	return execve_case(w, {"execve-ok", ExecFile::self, 1, false});
}

int execve_fail_threads(Workload &w)
{
	// A failed execve() of one thread of a process in per CPU mode: the
	// thread leaves the CID users in sched_mm_cid_before_execve() and
	// joins again in sched_mm_cid_after_execve(), and rseq_force_update()
	// publishes its mm_cid on the way back. No lock-up here: the process
	// keeps other users, so the last-user path is not taken.
	ThreadRseq rseq;
	const unsigned possible = w.thresholds().possible;
	while (w.model().users() < high_users(w))
		w.add_worker(Behavior::spin);
	w.settle();
	char path[] = "/tmp/mm_cid_not_an_executable.XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0 || (close(fd), !write_file(path, ExecFile::text))) {
		printf("# execve-fail-threads: cannot create %s: %s\n", path, strerror(errno));
		return 1;
	}
	unsigned bad = 0, first_bad = 0, tries = 50;
	for (unsigned i = 0; i < tries; i++) {
		char *argv[] = {path, nullptr};
		if (execve(path, argv, environ) == -1)
			w.exec_failed();
		// Read right away: what the kernel published on the return from
		// execve(), before a later schedule in could repair it.
		uint32_t cid = rseq.mm_cid();
		if (cid >= possible && !bad++)
			first_bad = cid;
		w.controller_progress();
	}
	unlink(path);
	printf("# execve-fail-threads: %u users, %u failed execve()s: %u returned with mm_cid "
	       "at or above %u possible CPUs%s\n",
	       w.model().users(), tries, bad, possible,
	       bad ? (" (first " + std::to_string(first_bad) + "): FAILED").c_str() : "");
	return bad ? 1 : 0;
}

int exec_child()
{
	// Runs in the image a successful execve() started: a fresh mm.
	ThreadRseq rseq;
	std::thread t([] {});
	t.join();
	printf("# execve-ok: new image: thread created and joined, mm_cid %u\n", rseq.mm_cid());
	fflush(stdout);
	return 0;
}

} // namespace mmcid::scenarios

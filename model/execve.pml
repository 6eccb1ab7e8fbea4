/*
 * A failing execve() in per CPU mode (kernel/sched/core.c of Linux 7.2).
 *
 * One process on NCPU CPUs, in per CPU mode with one user left, the main
 * thread T0. Any set of the other CPUs still own a CID (they ran threads
 * of the process before those exited); which CIDs is left to SPIN. Then:
 *
 *   sched_mm_cid_before_execve()  the last user leaves: mode switch back
 *   sched_exec()                  T0 may move to any CPU
 *   (the new binary fails to load: ENOEXEC, the mm stays)
 *   sched_mm_cid_after_execve()   the first user again: a CID for T0
 *   pthread_create()              a second user, per task mode: a CID
 *
 * Meanwhile the other CPUs' schedulers run idle (no thread of the process
 * is left to run there), so their CIDs stay where they are.
 *
 * mm_get_cid() spins (interrupts off, mm_cid.lock held) while no CID is
 * free; here it blocks, so the lock-up is SPIN's invalid end state.
 *
 * -DMAINLINE: 7.2/7.3, the last user's exit ignores the mode switch.
 * default   : the fix, sched_mm_cid_fork()'s first user path completes a
 *             transition left open (mode has MM_CID_TRANSIT while no user
 *             is left) with the CPU to task fixup; the exit is mainline's.
 * -DFIX_AT_EXIT: the fix first posted, the last user's exit runs the
 *             CPU to task fixup (at every last exit in per CPU mode).
 * -DCHECK_DENSITY: also assert that T0's CID after the failed execve()
 *             is below max_cids (1) and T1's below max_cids (2), which
 *             mainline also breaks when it does not lock up (run with
 *             pan -E: the lock-up is not the error looked for).
 * -DCHECK_BRIDGE: then let the process grow past max_cids again and
 *             assert that mm_update_max_cids()'s flip of the mode word,
 *             mode ^ (MM_CID_TRANSIT | MM_CID_ONCPU), enters per CPU mode
 *             with the transition bit set, the bridge patch 1 of the
 *             mode transition series relies on. Mainline leaves
 *             MM_CID_TRANSIT set after the failed execve(), so the flip
 *             clears it: the next switch runs without the bridge (pan -E
 *             again).
 */

#ifndef NCPU
#define NCPU	3
#endif

#define UNSET	128	/* MM_CID_UNSET */
#define ONCPU	64	/* MM_CID_ONCPU */
#define TRANSIT	32	/* MM_CID_TRANSIT */
#define VAL(c)	((c) & 31)
#define on_task(c)	((c) < TRANSIT)
#define on_cpu(c)	(((c) & ONCPU) != 0)

byte pool[NCPU];	/* the CID bitmap */
byte used;		/* CIDs taken */
byte pcid[NCPU];	/* mm::mm_cid.pcpu[cpu].cid */
byte t0cid;		/* T0's task_struct::mm_cid.cid */
byte t0cpu;
byte t1cid = UNSET;	/* the new thread's */
bool percpu = true, transit;
byte mode = ONCPU;	/* mm::mm_cid::mode, the one word of the series */
byte users = 1, max_cids, pcpu_thrs = 1;

/* mm_get_cid(): the lowest free CID below max_cids, else below NCPU. */
inline get_cid(gv)
{
	atomic {
		gv = 0;
		do
		:: gv < max_cids && pool[gv] == 0 -> break
		:: gv < max_cids && pool[gv] != 0 -> gv++
		:: gv >= max_cids -> gv = NCPU; break
		od;
		if
		:: gv == NCPU -> printf("T0: no CID below max_cids %d, searching all %d\n", max_cids, NCPU)
		:: else
		fi
	};
	if
	:: gv == NCPU ->
		/* the kernel retries here forever */
		atomic {
			used < NCPU ->
			gv = 0;
			do
			:: pool[gv] == 0 -> break
			:: else -> gv++
			od
		}
	:: else
	fi;
	pool[gv] = 1;
	used++
}

/* max_cids = min(opt + opt / 4, NCPU), opt = min(nr_cpus_allowed, users) */
inline update_max_cids()
{
	byte opt = users;
	if
	:: opt > NCPU -> opt = NCPU
	:: else
	fi;
	max_cids = opt + opt / 4;
	if
	:: max_cids > NCPU -> max_cids = NCPU
	:: else
	fi;
	if
	:: max_cids == 0 -> max_cids = 1
	:: else
	fi
}

/* mm_cid_fixup_cpus_to_tasks() with no active user (T0 is not one while
 * its execve() runs): every CID still owned by a CPU is dropped, then the
 * transition ends (mm_cid_complete_transit()). */
inline fixup_cpus_to_tasks()
{
	c = 0;
	do
	:: c < NCPU ->
		if
		:: on_cpu(pcid[c]) ->
			printf("fixup: CPU%d drops CID%d\n", c, VAL(pcid[c]));
			pool[VAL(pcid[c])] = 0;
			used--;
			pcid[c] = VAL(pcid[c])	/* mm_drop_cid_on_cpu(): no longer owned */
		:: else
		fi;
		c++
	:: else -> break
	od;
	transit = false;
	mode = mode & ~TRANSIT
}

active proctype execve_fails()
{
	byte c, v, k, owned = 0;

	/* The state before: T0 runs on some CPU, which owns T0's CID;
	 * every other CPU may or may not still own one. */
	atomic {
		if
		:: t0cpu = 0
		:: t0cpu = NCPU - 1
		fi;
		c = 0;
		do
		:: c < NCPU ->
			pcid[c] = UNSET;
			if
			:: c == t0cpu -> goto own
			:: c != t0cpu -> goto own
			:: c != t0cpu -> skip
			fi;
			goto next;
own:			/* any free CID: the order the CPUs took them in is open */
			/* the k-th free CID, k chosen freely (no cycles in
			 * an atomic sequence: SPIN does not store its states) */
			k = 0;
			do
			:: k < NCPU - used - 1 -> k++
			:: break
			od;
			v = 0;
			do
			:: pool[v] != 0 -> v++
			:: pool[v] == 0 && k > 0 -> k--; v++
			:: pool[v] == 0 && k == 0 -> break
			od;
			pool[v] = 1;
			used++;
			pcid[c] = v | ONCPU;
			owned++;
next:			c++
		:: else -> break
		od;
		t0cid = pcid[t0cpu];
		update_max_cids()
	};
	printf("T0 on CPU%d owns CID%d; %d CPU(s) own a CID\n", t0cpu, VAL(t0cid), owned);

	/* sched_mm_cid_before_execve() -> sched_mm_cid_exit(), last user */
	if
	:: on_cpu(t0cid) ->	/* mm_cid_transit_to_task(): "Required across execve()" */
		t0cid = VAL(t0cid) | TRANSIT;
		pcid[t0cpu] = t0cid
	:: else
	fi;
	/* sched_mm_cid_remove_user(): drop T0's CID, users 0 < pcpu_thrs */
	t0cid = VAL(t0cid);
	pool[t0cid] = 0;
	used--;
	t0cid = UNSET;
	users = 0;
	pcpu_thrs = 0;
	percpu = false;
	transit = true;
	mode = mode ^ (TRANSIT | ONCPU);
	printf("T0: before_execve: last user gone, CID back, mode per task + TRANSIT\n");
#ifdef FIX_AT_EXIT
	fixup_cpus_to_tasks();
#else
	printf("T0: the last user's exit ignores the mode change\n");
#endif

	/* sched_exec(): T0 may be moved */
	if
	:: t0cpu = 0
	:: t0cpu = NCPU - 1
	:: skip
	fi;

	/* execve() fails: sched_mm_cid_after_execve() -> sched_mm_cid_fork(),
	 * first user: a CID for T0, stored in the CPU's slot as a task CID. */
#if !defined(MAINLINE) && !defined(FIX_AT_EXIT)
	/* The fix: no user, yet the mode is in transition: complete it. */
	if
	:: users == 0 && (mode & TRANSIT) != 0 -> fixup_cpus_to_tasks()
	:: else
	fi;
#endif
	users = 1;
	update_max_cids();
	get_cid(v);
	t0cid = v;
	pcid[t0cpu] = v;
	printf("T0 on CPU%d: execve() failed, mm_cid %d (max_cids %d)\n", t0cpu, t0cid, max_cids);
#ifdef CHECK_DENSITY
	assert(t0cid < max_cids);
#endif

	/* pthread_create(): second user, per task mode: a CID for T1 */
	users = 2;
	update_max_cids();
	printf("T0: pthread_create(): users 2, max_cids %d, per task mode: T1 needs a CID\n", max_cids);
	get_cid(v);
	t1cid = v;
	printf("T1 gets CID%d\n", t1cid);
	assert(t1cid != t0cid);
#ifdef CHECK_DENSITY
	assert(t1cid < max_cids);
#endif
#ifdef CHECK_BRIDGE
	/* More threads, until users > max_cids: the switch to per CPU mode */
	mode = mode ^ (TRANSIT | ONCPU);
	printf("T0: pthread_create() past max_cids: mode ONCPU %d, TRANSIT %d\n",
	       (mode & ONCPU) != 0, (mode & TRANSIT) != 0);
	assert(mode == (ONCPU | TRANSIT));
#endif
	skip
}

/*
 * The MM CID ownership protocol during the fork-initiated switch from per
 * task to per CPU mode (kernel/sched/core.c, sched.h of Linux 7.2).
 *
 * Three CPUs, tasks T0-T3 of one process. T0 runs on CPU0 and has just
 * forked T3 (not runnable until the fork returns): users 4 > max_cids 3,
 * so T0 set the mode to per CPU, handed its CID to CPU0 and now walks the
 * other tasks (mm_cid_fixup_tasks_to_cpus()), each under the runqueue
 * lock of the CPU it is on. Meanwhile CPU1 and CPU2 schedule T1 and T2 in
 * and out, on either CPU (migration), at most STEPS times each.
 *
 * mm_get_cid() spins with the runqueue lock held until a CID is free; here
 * it blocks instead, so the live lock shows up as a state in which nothing
 * can move: SPIN's invalid end state.
 *
 * -DPREFIX: the fixture (no transition bridge on this switch).
 * default : the series (CIDs handed over carry MM_CID_TRANSIT and go back
 *           to the pool at schedule out until the walk has completed).
 * -DPLANT_NO_DROP: the series, but schedule out keeps transitional CIDs
 *           (a planted mistake the model must catch).
 */

/*
 * NCPU 3 (default), 4, or 2 (where the prefix cannot live lock: the only
 * task to schedule in besides T0 is T1, which owns a CID); the process
 * has NCPU + 1 tasks.
 */
#ifndef NCPU
#define NCPU	3
#endif
#define NTASK	(NCPU + 1)
#ifndef STEPS
#define STEPS	3
#endif

#if NCPU == 2
#define RUNNING(x)	(curr[0] == (x) || curr[1] == (x))
#elif NCPU == 3
#define RUNNING(x)	(curr[0] == (x) || curr[1] == (x) || curr[2] == (x))
#elif NCPU == 4
#define RUNNING(x)	(curr[0] == (x) || curr[1] == (x) || curr[2] == (x) || curr[3] == (x))
#else
#error "NCPU must be 2, 3 or 4"
#endif

#define NONE	255
#define UNSET	128	/* MM_CID_UNSET */
#define ONCPU	64	/* MM_CID_ONCPU */
#define TRANSIT	32	/* MM_CID_TRANSIT */
#define VAL(c)	((c) & 31)
#define on_task(c)	((c) < TRANSIT)
#define on_cpu(c)	(((c) & ONCPU) != 0)
#define in_transit(c)	(((c) & TRANSIT) != 0)

byte pool[NCPU];	/* the CID bitmap */
byte used;		/* CIDs taken */
byte tcid[NTASK];	/* task_struct::mm_cid.cid */
byte pcid[NCPU];	/* mm::mm_cid.pcpu[cpu].cid */
byte curr[NCPU];	/* task running on the CPU */
byte tcpu[NTASK];	/* task_cpu() */
byte rq[NCPU];		/* runqueue lock: 0 free, else holder + 1 */
bool pi[NTASK];		/* task_struct::pi_lock: held by task_rq_lock() */
bool switching[NCPU];	/* in __schedule(): curr is not in user space */
bool transit;		/* MM_CID_TRANSIT in the mode; the mode is per CPU */
bool walk_done;

inline lock(lc, lwho)	{ atomic { rq[lc] == 0 -> rq[lc] = lwho + 1 } }
inline unlock(uc)	{ rq[uc] = 0 }

/* mm_get_cid(): blocks while the pool is empty (the kernel spins). */
inline get_cid(gv)
{
	if
	:: used == NCPU -> printf("CPU%d: T%d needs a CID, the pool is empty: spins with rq%d held\n", c, t, c)
	:: else
	fi;
	atomic {
		used < NCPU ->
		gv = 0;
		do
		:: pool[gv] == 0 -> break
		:: else -> gv++
		od;
		pool[gv] = 1;
		used++
	}
}

inline drop_cid(dv)	{ assert(pool[dv] == 1); pool[dv] = 0; used-- }

/* No two tasks running in user space share a CID. */
inline check_unique(kc)
{
	atomic {
	d = 0;
	do
	:: d < NCPU ->
		if
		:: d != kc && curr[d] != NONE && !switching[d] && curr[kc] != NONE ->
			assert(VAL(tcid[curr[d]]) != VAL(tcid[curr[kc]]))
		:: else
		fi;
		d++
	:: else -> break
	od
	}
}

/* mm_cid_schedout() */
inline schedout(op)
{
#ifdef PLANT_NO_DROP
	skip
#else
	if
	:: in_transit(tcid[op]) ->
		drop_cid(VAL(tcid[op]));
		printf("CPU%d: T%d schedules out, CID%d back to the pool\n", c, op, VAL(tcid[op]));
		tcid[op] = UNSET
	:: else
	fi
#endif
}

/* mm_cid_schedin() -> mm_cid_from_cpu() (the mode is per CPU here) */
inline schedin(it, ic)
{
	cc = pcid[ic];
	if
	:: on_cpu(cc) && on_cpu(tcid[it]) -> tcid[it] = cc	/* fast path */
	:: else ->
		if
		:: on_task(tcid[it]) ->
			if
			:: on_cpu(cc) -> drop_cid(tcid[it]); tcid[it] = UNSET
			:: else -> cc = tcid[it] | ONCPU
			fi
		:: else
		fi;
		if
		:: !on_cpu(cc) -> get_cid(v); cc = v | ONCPU
		:: else
		fi;
#ifndef PREFIX
		if
		:: transit -> cc = VAL(cc) | TRANSIT
		:: else
		fi;
#endif
	fi;
	pcid[ic] = cc;
	tcid[it] = cc;
	if
	:: in_transit(cc) -> printf("CPU%d: T%d schedules in with CID%d, in transit\n", ic, it, VAL(cc))
	:: else -> printf("CPU%d: T%d schedules in with CID%d, owned by the CPU\n", ic, it, VAL(cc))
	fi
}

/* Scheduler of CPU c: STEPS schedule events, each under its rq lock. */
proctype cpu(byte c)
{
	byte n = 0, t, cc, v, d;
	do
	:: n < STEPS ->
		lock(c, c);
		switching[c] = true;
		if
		:: curr[c] != NONE -> schedout(curr[c]); curr[c] = NONE
		:: else
		fi;
		/*
		 * Pick a task T1..T(NCPU-1) not running anywhere, or stay idle.
		 * Waking or migrating a task here needs its pi_lock, which
		 * the fixup's task_rq_lock() holds while it looks at it.
		 */
		if
		:: atomic { !pi[1] && !RUNNING(1) -> t = 1; curr[c] = t; tcpu[t] = c }
#if NCPU >= 3
		:: atomic { !pi[2] && !RUNNING(2) -> t = 2; curr[c] = t; tcpu[t] = c }
#endif
#if NCPU == 4
		:: atomic { !pi[3] && !RUNNING(3) -> t = 3; curr[c] = t; tcpu[t] = c }
#endif
		:: true -> t = NONE
		fi;
		if
		:: t != NONE ->
			schedin(t, c);
			switching[c] = false;
			check_unique(c)
		:: else
		fi;
		switching[c] = false;
		unlock(c);
		n++
	:: else -> break
	od
}

/* T0 on CPU0: mm_cid_fixup_tasks_to_cpus(), newest task first. */
proctype fixup()
{
	byte t = NTASK - 1, c;
	do
	:: t >= 1 ->
		/* task_rq_lock(): pi_lock, then the runqueue the task is on */
		atomic { !pi[t] -> pi[t] = true };
		printf("fixup: task_rq_lock(T%d) on rq%d\n", t, tcpu[t]);
		atomic { c = tcpu[t]; rq[c] == 0 -> rq[c] = NCPU + 1 };
		if
		:: on_task(tcid[t]) ->
			if
			:: curr[c] == t ->
#ifdef PREFIX
				tcid[t] = tcid[t] | ONCPU;	/* transfer */
#else
				tcid[t] = tcid[t] | TRANSIT;	/* transit */
#endif
				pcid[c] = tcid[t];
				printf("fixup: T%d runs on CPU%d, CID%d handed to the CPU\n", t, c, VAL(tcid[t]))
			:: else ->
				printf("fixup: T%d is not running, CID%d back to the pool\n", t, tcid[t]);
				drop_cid(tcid[t]); tcid[t] = UNSET
			fi
		:: else
		fi;
		unlock(c);
		pi[t] = false;
		t--
	:: else -> break
	od;
	transit = false;
	walk_done = true
}

init {
	byte i;
	atomic {
		/* Per task mode until now: T0..T(NCPU-1) own CIDs 0..NCPU-1,
		 * the new task has none. T0 runs on CPU0, the others on
		 * their own CPUs' runqueues, not running. */
		i = 0;
		do
		:: i < NCPU ->
			pool[i] = 1; tcid[i] = i; tcpu[i] = i; curr[i] = NONE; pcid[i] = UNSET;
			i++
		:: else -> break
		od;
		used = NCPU;
		tcid[NTASK - 1] = UNSET; tcpu[NTASK - 1] = 0;
		curr[0] = 0;
		/* T0's fork: mode per CPU (+ transition), T0's CID to CPU0. */
#ifdef PREFIX
		transit = false;
		tcid[0] = 0 | ONCPU;
#else
		transit = true;
		tcid[0] = 0 | TRANSIT;
#endif
		pcid[0] = tcid[0];
		run fixup();
		i = 1;
		do
		:: i < NCPU -> run cpu(i); i++
		:: else -> break
		od
	}
}

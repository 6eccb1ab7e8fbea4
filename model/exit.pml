/*
 * The exit-initiated switch from per CPU back to per task mode
 * (kernel/sched/core.c, sched.h of Linux 7.2 with the series).
 *
 * With 4 possible CPUs, pcpu_thrs is at most 2, so an exit switches back
 * only when one user is left: T0 exits on CPU0, T1 stays. Every CPU owns
 * a CID from the per CPU period; T1 last ran on CPU1. While T0's exit
 * runs sched_mm_cid_exit() and the CPU walk of
 * mm_cid_fixup_cpus_to_tasks(), CPUs 1 and 2 schedule T1 in and out (and
 * migrate it), STEPS times each, reading the mode each time; CPU0 joins
 * once T0 is gone; CPU3 stays idle with its CID.
 *
 * default    : the series (patch 3: the exiting CPU's CID is dropped at
 *              once under mm_cid.lock).
 * -DPRE3     : without patch 3: mm_cid_transit_to_task() on the exiting,
 *              already inactive task, the CPU's CID left to the walk.
 * -DPLANT_KEEP_IDLE: the walk does not drop the CID of a CPU whose
 *              current task is not a user (a planted mistake).
 * -DPRE_1E83CCD: mm_drop_cid_on_cpu() without the ONCPU check which
 *              1e83ccd5921a ("sched/mmcid: Don't assume CID is CPU owned
 *              on mode switch") added: it drops whatever the slot holds.
 *
 * T0 starts either with CPU0's CID (ONCPU) or, nondeterministically,
 * with the transitional CID the last switch to per CPU mode gave it
 * while it ran (T0 and CPU0's slot both hold cid | TRANSIT, T0 has not
 * scheduled since): the state of CVE-2026-23225, in which the CPU's slot
 * carries MM_CID_TRANSIT and does not own a CID.
 *
 * Checked: no inactive task holds a CID (what the debug check
 * mmcid_check_inactive looks for), no two CIDs leaked, the pool never
 * runs dry (get_cid blocks: an invalid end state), and at the end the
 * only CID taken is T1's.
 */

#define NCPU	4
#define NTASK	2
#ifndef STEPS
#define STEPS	2
#endif
/* CPUs whose scheduler runs T1; CPU3 (and up) stays idle with its CID */
#ifndef NSCHED
#define NSCHED	3
#endif

#define NONE	255
#define UNSET	128	/* MM_CID_UNSET */
#define ONCPU	64	/* MM_CID_ONCPU */
#define TRANSIT	32	/* MM_CID_TRANSIT */
#define VAL(c)	((c) & 31)
#define on_task(c)	((c) < TRANSIT)
#define on_cpu(c)	(((c) & ONCPU) != 0)
#define in_transit(c)	(((c) & TRANSIT) != 0)

byte pool[NCPU];
byte used;
byte pcid[NCPU];
byte tcid[NTASK];
bool is_user[NTASK];
byte curr[NCPU];
byte rq[NCPU];		/* runqueue lock: 0 free, else holder + 1 */
bool percpu = true, transit;
byte max_cids = NCPU;
bool t0_gone, walk_done;
byte sched_done;

inline lock(lc, lwho)	{ atomic { rq[lc] == 0 -> rq[lc] = lwho + 1 } }
inline unlock(uc)	{ rq[uc] = 0 }

inline get_cid(gv)
{
	atomic {
		used < NCPU ->	/* the kernel spins here */
		gv = 0;
		do
		:: gv < max_cids && pool[gv] == 0 -> break
		:: gv < max_cids && pool[gv] != 0 -> gv++
		:: gv >= max_cids -> gv = 0; do :: pool[gv] == 0 -> break :: else -> gv++ od; break
		od;
		pool[gv] = 1;
		used++
	}
}

/* clear_bit() of a CID the pool has: in range and taken */
inline drop_cid(dv)	{ assert(dv < NCPU && pool[dv] == 1); pool[dv] = 0; used-- }

/* mm_drop_cid_on_cpu() */
inline drop_on_cpu(dc)
{
#ifdef PRE_1E83CCD
	/* clears ONCPU and drops the rest, TRANSIT bit and all */
	pcid[dc] = pcid[dc] & ~ONCPU; drop_cid(pcid[dc])
#else
	if
	:: on_cpu(pcid[dc]) -> pcid[dc] = VAL(pcid[dc]); drop_cid(pcid[dc])
	:: else
	fi
#endif
}

/* mm_cid_schedout() with patch 4 */
inline schedout(ot, oc)
{
	if
	:: in_transit(tcid[ot]) ->
		v = VAL(tcid[ot]);
		if
		:: !transit && v < max_cids ->
			if
			:: percpu -> v = v | ONCPU
			:: else
			fi;
			pcid[oc] = v; tcid[ot] = v
		:: else ->
			drop_cid(v); tcid[ot] = UNSET
		fi
	:: else
	fi
}

/* mm_cid_schedin(): mm_cid_from_cpu() or mm_cid_from_task() */
inline schedin(it, ic)
{
	cc = pcid[ic];
	if
	:: percpu ->
		if
		:: on_cpu(cc) && on_cpu(tcid[it]) -> tcid[it] = cc
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
			if
			:: transit -> cc = VAL(cc) | TRANSIT
			:: else
			fi;
			pcid[ic] = cc; tcid[it] = cc
		fi
	:: else ->
		if
		:: on_task(tcid[it]) && on_task(cc) -> pcid[ic] = tcid[it]
		:: else ->
			cc2 = tcid[it];
			if
			:: on_cpu(cc) ->
				if
				:: on_task(cc2) -> drop_on_cpu(ic)
				:: else -> cc2 = VAL(cc)
				fi
			:: else
			fi;
			if
			:: !on_task(cc2) -> get_cid(v); cc2 = v
			:: else
			fi;
			if
			:: transit -> cc2 = VAL(cc2) | TRANSIT
			:: else
			fi;
			pcid[ic] = cc2; tcid[it] = cc2
		fi
	fi
}

/* The scheduler of CPU c: T1 in or out, STEPS times. */
proctype cpu(byte c)
{
	byte n = 0, v, cc, cc2;
	if
	:: c == 0 -> t0_gone	/* CPU0 runs T0's exit first */
	:: else
	fi;
	do
	:: n < STEPS ->
		lock(c, c);
		if
		:: curr[c] == 1 -> schedout(1, c); curr[c] = NONE
		:: atomic { curr[c] == NONE && curr[0] != 1 && curr[1] != 1 && curr[2] != 1 &&
				curr[3] != 1 -> curr[c] = 1 };
			schedin(1, c)
		:: else
		fi;
		unlock(c);
		n++
	:: else -> break
	od;
	atomic { sched_done++ }
}

/* T0 exits on CPU0: sched_mm_cid_exit(), then the walk. */
proctype exiting()
{
	byte c = 0, v;
	/* sched_mm_cid_remove_user(T0), under mm_cid.lock */
	is_user[0] = false;
	tcid[0] = tcid[0] & ~TRANSIT;
	if
	:: on_task(tcid[0]) -> drop_cid(tcid[0])
	:: else
	fi;
	tcid[0] = UNSET;
	/* users 1 < pcpu_thrs 2: per task mode, in transition; max_cids 1 */
	max_cids = 1;
	percpu = false;
	transit = true;
#ifdef PRE3
	/* mm_cid_transit_to_task(T0, CPU0): T0's CID is unset, nothing */
	if
	:: on_cpu(tcid[0]) -> tcid[0] = VAL(tcid[0]) | TRANSIT; pcid[0] = tcid[0]
	:: else
	fi;
#else
	drop_on_cpu(0);
#endif
	assert(!on_cpu(tcid[0]) && !on_task(tcid[0]) && !in_transit(tcid[0]));

	/* mm_cid_fixup_cpus_to_tasks() */
	do
	:: c < NCPU ->
		lock(c, NCPU);
		if
		:: on_cpu(pcid[c]) ->
			if
			:: curr[c] != NONE && is_user[curr[c]] ->
				if
				:: on_cpu(tcid[curr[c]]) ->
					tcid[curr[c]] = VAL(tcid[curr[c]]) | TRANSIT;
					pcid[c] = tcid[curr[c]]
				:: else
				fi
			:: else ->
#ifdef PLANT_KEEP_IDLE
				skip
#else
				drop_on_cpu(c)
#endif
			fi
		:: curr[c] != NONE && is_user[curr[c]] && on_task(tcid[curr[c]]) ->
			tcid[curr[c]] = tcid[curr[c]] | TRANSIT;
			pcid[c] = tcid[curr[c]]
		:: else
		fi;
		unlock(c);
		c++
	:: else -> break
	od;
	transit = false;	/* mm_cid_complete_transit() */
	walk_done = true;
	/* T0 schedules out for the last time; CPU0 may run T1 */
	curr[0] = NONE;
	t0_gone = true
}

init {
	byte i;
	atomic {
		i = 0;
		do
		:: i < NCPU -> pool[i] = 1; pcid[i] = i | ONCPU; curr[i] = NONE; i++
		:: else -> break
		od;
		used = NCPU;
		/* T0 runs on CPU0 with CPU0's CID; T1 ran last on CPU1 */
		is_user[0] = true; is_user[1] = true;
		curr[0] = 0;
		if
		:: tcid[0] = 0 | ONCPU
		:: tcid[0] = 0 | TRANSIT; pcid[0] = tcid[0]
		fi;
		tcid[1] = 1 | ONCPU;
		if
		:: curr[1] = 1	/* T1 running on CPU1 */
		:: skip		/* T1 sleeping */
		fi;
		run exiting();
		i = 0;
		do
		:: i < NSCHED -> run cpu(i); i++
		:: else -> break
		od
	}
	/* Everyone done: the transition is over, T1 is out or in. */
	(walk_done && sched_done == NSCHED);
	assert(!transit);
	/* Only T1's CID can be taken, and it can still be in transit only
	 * if T1 has not scheduled out since. */
	assert(used <= 1);
	assert(used == 0 || tcid[1] != UNSET)
}

// sig-group.S -- signals in a thread group on ia64-lite: the ia64 version of
// samples/sig_group_delivery.c, steps 1 and 2, with a clone2 thread.
//
//  * SIGUSR1 and SIGUSR2 get one handler through rt_sigaction with ia64's
//    struct sigaction {sa_handler, sa_flags, sa_mask} (no sa_restorer;
//    sa_handler points at a function descriptor {entry, gp}).
//  * Thread T is created with clone2 (its own mmap'd stack, PARENT_SETTID /
//    CHILD_CLEARTID) before main blocks SIGUSR1 with rt_sigprocmask, so T's
//    mask is empty. T sleeps in FUTEX_WAIT until main says quit.
//  * kill(getpid(), SIGUSR1): process-directed; main blocks it, T does not,
//    so complete_signal picks T and the handler runs in T.
//  * tgkill(pid, main, SIGUSR2): runs in main (at the return of tgkill).
//  * tgkill(pid, T, SIGUSR2): runs in T.
//  The handler records gettid(), the siginfo's si_code (SI_USER 0 for kill,
//  SI_TKILL -6 for tgkill), whether the saved mask in its sigcontext
//  (sc_mask, offset 2640) blocks SIGUSR1, and whether gp (r1) came from its
//  function descriptor, then wakes main with FUTEX_WAKE.
//  main prints one line per step, asks T to quit, joins it on the
//  CLONE_CHILD_CLEARTID futex word and exits 0.
//
// Expected output (tests/ia64lite/expected/sig-group.out): no ia64 machine
// exists, so it is reasoned from Linux's rules and from the C sample's
// native recording (tests/func/expected/sig_group_delivery.out:
// "kill(getpid(), SIGUSR1): handled_by=B" where B is the only thread not
// blocking SIGUSR1, "tgkill(A, SIGUSR2): handled_by=A"). The saved mask of
// main's frame has SIGUSR1 (main blocks it), T's does not; si_code is
// SI_USER for kill and SI_TKILL for tgkill (kernel/signal.c).
	.explicit
	.equ	__NR_exit,		1025
	.equ	__NR_write,		1027
	.equ	__NR_getpid,		1041
	.equ	__NR_kill,		1053
	.equ	__NR_gettid,		1105
	.equ	__NR_mmap,		1151
	.equ	__NR_rt_sigaction,	1177
	.equ	__NR_rt_sigprocmask,	1179
	.equ	__NR_clone2,		1213
	.equ	__NR_futex,		1230
	.equ	__NR_tgkill,		1235
	.equ	__NR_exit_group,	1236
	.equ	SIGUSR1,	10
	.equ	SIGUSR2,	12
	.equ	SA_RESTART,	0x10000000
	.equ	SIG_BLOCK,	0
	.equ	FUTEX_WAIT,	0
	.equ	FUTEX_WAKE,	1
	.equ	STACK_SIZE,	0x10000
	.equ	CLONE_FLAGS,	0x310f00	// VM|FS|FILES|SIGHAND|THREAD|PARENT_SETTID|CHILD_CLEARTID
	.equ	SC_MASK,	2640		// offsetof(struct sigcontext, sc_mask)
	.equ	SI_TKILL,	-6

	.data
	.align	8
handler_desc:				// the function descriptor sa_handler points at
	data8	handler, __gp
act:					// struct sigaction (ia64)
	data8	handler_desc		// sa_handler
	data8	SA_RESTART		// sa_flags
	data8	0			// sa_mask
set_usr1:
	data8	1 << (SIGUSR1 - 1)
	// one record per signal: tid (the futex word), si_code, saved mask
	// blocks SIGUSR1, gp == descriptor gp
rec_usr1: data4	0, 0, 0, 0
rec_usr2: data4	0, 0, 0, 0
main_tid: data4	0
t_tid:	data4	1			// PARENT_SETTID / CHILD_CLEARTID word
quit:	data4	0

	.section .rodata
m_threads: .ascii "threads: main blocks SIGUSR1, T does not\n"
	.equ	m_threads_len, . - m_threads
m_kill:	.ascii	"kill(getpid(), SIGUSR1): handled_by="
	.equ	m_kill_len, . - m_kill
m_tgm:	.ascii	"tgkill(main, SIGUSR2): handled_by="
	.equ	m_tgm_len, . - m_tgm
m_tgt:	.ascii	"tgkill(T, SIGUSR2): handled_by="
	.equ	m_tgt_len, . - m_tgt
m_main:	.ascii	"main"
m_t:	.ascii	"T"
m_q:	.ascii	"?"
m_code:	.ascii	" si_code="
m_user:	.ascii	"SI_USER"
m_tkill: .ascii	"SI_TKILL"
m_mask:	.ascii	" saved mask blocks SIGUSR1="
m_gp:	.ascii	" gp from descriptor="
m_digits: .ascii "01"
m_nl:	.ascii	"\n"
m_ret:	.ascii	"main: tgkill returned 0 after its handler, locals intact=1\n"
	.equ	m_ret_len, . - m_ret
m_joined: .ascii "main: T exited, joined on its CLONE_CHILD_CLEARTID futex\n"
	.equ	m_joined_len, . - m_joined
m_fail:	.ascii	"syscall failed\n"
	.equ	m_fail_len, . - m_fail

	.text
	.global	_start
	.proc	_start
_start:
	// loc0 pfs, loc1 stack base, loc2 pid, loc3 main tid, loc4 &t_tid,
	// loc5 a value that must survive the signal frames
	alloc	loc0 = ar.pfs, 0, 6, 6, 0
	;;
	mov	r15 = __NR_getpid
	;;
	break	0x100000
	;;
	mov	loc2 = r8
	mov	r15 = __NR_gettid
	;;
	break	0x100000
	;;
	mov	loc3 = r8
	movl	r14 = main_tid
	;;
	st4	[r14] = r8
	movl	loc4 = t_tid
	movl	loc5 = 0x1a64c0de
	;;
	// rt_sigaction(SIGUSR1 and SIGUSR2, &act, NULL, 8)
	mov	out0 = SIGUSR1
	movl	out1 = act
	;;
	mov	out2 = r0
	mov	out3 = 8
	mov	r15 = __NR_rt_sigaction
	;;
	break	0x100000
	;;
	cmp.eq	p6, p0 = -1, r10
(p6)	br.cond.spnt.few fail
	mov	out0 = SIGUSR2
	mov	r15 = __NR_rt_sigaction
	;;
	break	0x100000
	;;
	cmp.eq	p6, p0 = -1, r10
(p6)	br.cond.spnt.few fail
	// stack = mmap(NULL, STACK_SIZE, RW, PRIVATE|ANONYMOUS, -1, 0)
	mov	out0 = r0
	mov	out1 = STACK_SIZE
	mov	out2 = 3
	mov	out3 = 0x22
	mov	out4 = -1
	mov	out5 = r0
	mov	r15 = __NR_mmap
	;;
	break	0x100000
	;;
	cmp.eq	p6, p0 = -1, r10
(p6)	br.cond.spnt.few fail
	mov	loc1 = r8
	;;
	// clone2(flags, base, size, &t_tid, &t_tid, 0): T's mask is main's,
	// still empty
	movl	out0 = CLONE_FLAGS
	;;
	mov	out1 = loc1
	mov	out2 = STACK_SIZE
	mov	out3 = loc4
	mov	out4 = loc4
	mov	out5 = r0
	mov	r15 = __NR_clone2
	;;
	break	0x100000
	;;
	cmp.eq	p6, p0 = -1, r10
	cmp.eq	p7, p0 = 0, r8
(p6)	br.cond.spnt.few fail
	;;
(p7)	br.cond.dpnt.few thread_t
	;;
	// main: rt_sigprocmask(SIG_BLOCK, {SIGUSR1}, NULL, 8)
	mov	out0 = SIG_BLOCK
	movl	out1 = set_usr1
	;;
	mov	out2 = r0
	mov	out3 = 8
	mov	r15 = __NR_rt_sigprocmask
	;;
	break	0x100000
	;;
	movl	out0 = m_threads
	;;
	mov	out1 = m_threads_len
	br.call.sptk.many b0 = say
	;;
	// 1. kill(getpid(), SIGUSR1): only T wants it
	mov	out0 = loc2
	mov	out1 = SIGUSR1
	mov	r15 = __NR_kill
	;;
	break	0x100000
	;;
	movl	out0 = rec_usr1
	;;
	br.call.sptk.many b0 = wait_rec
	;;
	movl	out0 = m_kill
	;;
	mov	out1 = m_kill_len
	movl	out2 = rec_usr1
	;;
	br.call.sptk.many b0 = report
	;;
	// 2. tgkill(pid, main, SIGUSR2): the handler runs in main before
	// tgkill's result reaches this code, then rt_sigreturn restores r8/r10
	mov	out0 = loc2
	mov	out1 = loc3
	mov	out2 = SIGUSR2
	mov	r15 = __NR_tgkill
	;;
	break	0x100000
	;;
	cmp.ne	p6, p0 = 0, r10
	cmp.ne	p7, p0 = 0, r8
	;;
(p6)	br.cond.spnt.few fail
(p7)	br.cond.spnt.few fail
	movl	r14 = 0x1a64c0de
	;;
	cmp.ne	p6, p0 = r14, loc5
	;;
(p6)	br.cond.spnt.few fail
	movl	out0 = m_ret
	;;
	mov	out1 = m_ret_len
	br.call.sptk.many b0 = say
	;;
	movl	out0 = rec_usr2
	;;
	br.call.sptk.many b0 = wait_rec
	;;
	movl	out0 = m_tgm
	;;
	mov	out1 = m_tgm_len
	movl	out2 = rec_usr2
	;;
	br.call.sptk.many b0 = report
	;;
	movl	r14 = rec_usr2
	;;
	st4.rel	[r14] = r0
	;;
	// 3. tgkill(pid, T, SIGUSR2): runs in T
	ld4	out1 = [loc4]
	mov	out0 = loc2
	mov	out2 = SIGUSR2
	mov	r15 = __NR_tgkill
	;;
	break	0x100000
	;;
	cmp.eq	p6, p0 = -1, r10
(p6)	br.cond.spnt.few fail
	movl	out0 = rec_usr2
	;;
	br.call.sptk.many b0 = wait_rec
	;;
	movl	out0 = m_tgt
	;;
	mov	out1 = m_tgt_len
	movl	out2 = rec_usr2
	;;
	br.call.sptk.many b0 = report
	;;
	// quit = 1; futex_wake(&quit); join T on t_tid
	movl	out0 = quit
	mov	r14 = 1
	;;
	st4.rel	[out0] = r14
	mov	out1 = FUTEX_WAKE
	mov	out2 = 1
	mov	r15 = __NR_futex
	;;
	break	0x100000
	;;
join:	ld4.acq	r16 = [loc4]
	;;
	cmp4.eq	p6, p0 = 0, r16
(p6)	br.cond.dpnt.few joined
	;;
	mov	out0 = loc4
	mov	out1 = FUTEX_WAIT
	mov	out2 = r16
	mov	out3 = r0
	mov	r15 = __NR_futex
	;;
	break	0x100000
	;;
	br.cond.sptk.few join
	;;
joined:
	movl	out0 = m_joined
	;;
	mov	out1 = m_joined_len
	br.call.sptk.many b0 = say
	;;
	mov	out0 = 0
	mov	r15 = __NR_exit_group
	;;
	break	0x100000
	;;

	// T: same frame as main at the break, its own memory stack
thread_t:
	br.call.sptk.many b0 = t_main
	;;
fail:
	movl	out0 = m_fail
	;;
	mov	out1 = m_fail_len
	br.call.sptk.many b0 = say
	;;
	mov	out0 = 1
	mov	r15 = __NR_exit_group
	;;
	break	0x100000
	;;
	.endp	_start

// T: sleep in FUTEX_WAIT on quit until it is 1 (SA_RESTART: an interrupted
// wait restarts after the handler), then exit(0).
	.proc	t_main
t_main:
	alloc	loc0 = ar.pfs, 0, 2, 4, 0
	movl	loc1 = quit
	;;
1:	ld4.acq	r16 = [loc1]
	;;
	cmp4.ne	p6, p0 = 0, r16
(p6)	br.cond.dpnt.few 2f
	;;
	mov	out0 = loc1
	mov	out1 = FUTEX_WAIT
	mov	out2 = r0
	mov	out3 = r0
	mov	r15 = __NR_futex
	;;
	break	0x100000
	;;
	br.cond.sptk.few 1b
	;;
2:	mov	out0 = 0
	mov	r15 = __NR_exit
	;;
	break	0x100000
	;;
	.endp	t_main

// void handler(int sig, siginfo_t *info, struct sigcontext *sc), entered
// from the [sigpage] trampoline with gp loaded from handler_desc.
	.proc	handler
handler:
	alloc	loc0 = ar.pfs, 3, 4, 3, 0	// in0 sig, in1 info, in2 sc
	mov	loc1 = b0
	mov	loc3 = r1			// gp as the trampoline set it
	mov	r15 = __NR_gettid
	;;
	break	0x100000
	;;
	mov	loc2 = r8
	cmp.eq	p6, p7 = SIGUSR1, in0
	movl	r14 = rec_usr1
	movl	r16 = rec_usr2
	;;
(p7)	mov	r14 = r16
	adds	r17 = 8, in1			// si_code
	movl	r18 = SC_MASK
	;;
	ld4	r19 = [r17]
	add	r18 = r18, in2
	adds	r20 = 4, r14
	;;
	ld8	r21 = [r18]
	st4	[r20] = r19
	adds	r20 = 8, r14
	;;
	extr.u	r21 = r21, SIGUSR1 - 1, 1
	movl	r22 = handler_desc + 8
	;;
	st4	[r20] = r21
	ld8	r22 = [r22]
	adds	r20 = 12, r14
	;;
	cmp.eq	p8, p9 = r22, loc3
	;;
(p8)	mov	r23 = 1
(p9)	mov	r23 = 0
	;;
	st4	[r20] = r23
	;;
	st4.rel	[r14] = loc2			// the tid last: main waits for it
	mov	out0 = r14
	mov	out1 = FUTEX_WAKE
	mov	out2 = 1
	mov	r15 = __NR_futex
	;;
	break	0x100000
	;;
	mov	ar.pfs = loc0
	mov	b0 = loc1
	;;
	br.ret.sptk.many b0
	;;
	.endp	handler

// void wait_rec(u32 *rec): FUTEX_WAIT until *rec != 0
	.proc	wait_rec
wait_rec:
	alloc	loc0 = ar.pfs, 1, 1, 4, 0
	;;
1:	ld4.acq	r16 = [in0]
	;;
	cmp4.ne	p6, p0 = 0, r16
(p6)	br.cond.dpnt.few 2f
	;;
	mov	out0 = in0
	mov	out1 = FUTEX_WAIT
	mov	out2 = r0
	mov	out3 = r0
	mov	r15 = __NR_futex
	;;
	break	0x100000
	;;
	br.cond.sptk.few 1b
	;;
2:	mov	ar.pfs = loc0
	;;
	br.ret.sptk.many b0
	;;
	.endp	wait_rec

// void report(char *prefix, long len, u32 *rec): prints prefix, the thread
// name of rec's tid, its si_code, the saved-mask bit and the gp check.
	.proc	report
report:
	alloc	loc0 = ar.pfs, 3, 2, 2, 0	// in0 prefix, in1 len, in2 rec
	mov	loc1 = b0
	;;
	mov	out0 = in0
	mov	out1 = in1
	br.call.sptk.many b0 = say
	;;
	movl	r14 = main_tid
	movl	r15 = t_tid
	;;
	ld4	r16 = [in2]
	ld4	r14 = [r14]
	ld4	r15 = [r15]
	;;
	movl	out0 = m_q
	mov	out1 = 1
	;;
	cmp4.eq	p6, p0 = r16, r15
	cmp4.eq	p7, p0 = r16, r14
	movl	r17 = m_t
	;;
(p6)	mov	out0 = r17
	movl	r17 = m_main
	;;
(p7)	mov	out0 = r17
(p7)	mov	out1 = 4
	br.call.sptk.many b0 = say
	;;
	movl	out0 = m_code
	;;
	mov	out1 = 9
	br.call.sptk.many b0 = say
	;;
	adds	r16 = 4, in2
	;;
	ld4	r16 = [r16]
	movl	out0 = m_q
	mov	out1 = 1
	;;
	cmp4.eq	p6, p0 = 0, r16
	cmp4.eq	p7, p0 = SI_TKILL, r16
	movl	r17 = m_user
	;;
(p6)	mov	out0 = r17
(p6)	mov	out1 = 7
	movl	r17 = m_tkill
	;;
(p7)	mov	out0 = r17
(p7)	mov	out1 = 8
	br.call.sptk.many b0 = say
	;;
	movl	out0 = m_mask
	;;
	mov	out1 = 27
	br.call.sptk.many b0 = say
	;;
	adds	out0 = 8, in2
	;;
	br.call.sptk.many b0 = put_digit
	;;
	movl	out0 = m_gp
	;;
	mov	out1 = 20
	br.call.sptk.many b0 = say
	;;
	adds	out0 = 12, in2
	;;
	br.call.sptk.many b0 = put_digit
	;;
	movl	out0 = m_nl
	mov	out1 = 1
	br.call.sptk.many b0 = say
	;;
	mov	ar.pfs = loc0
	mov	b0 = loc1
	;;
	br.ret.sptk.many b0
	;;
	.endp	report

// void put_digit(u32 *p): prints "0" or "1" (*p is 0 or 1)
	.proc	put_digit
put_digit:
	alloc	loc0 = ar.pfs, 1, 2, 2, 0
	mov	loc1 = b0
	;;
	ld4	r16 = [in0]
	movl	r17 = m_digits
	;;
	add	out0 = r16, r17
	mov	out1 = 1
	;;
	br.call.sptk.many b0 = say
	;;
	mov	ar.pfs = loc0
	mov	b0 = loc1
	;;
	br.ret.sptk.many b0
	;;
	.endp	put_digit

// void say(char *p, long n): write(1, p, n)
	.proc	say
say:
	alloc	loc0 = ar.pfs, 2, 1, 3, 0
	mov	out0 = 1
	mov	out1 = in0
	mov	out2 = in1
	mov	r15 = __NR_write
	;;
	break	0x100000
	;;
	mov	ar.pfs = loc0
	;;
	br.ret.sptk.many b0
	;;
	.endp	say

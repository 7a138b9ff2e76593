// raw-clone2-threads.S -- samples/raw_clone_threads.c in ia64 assembly with
// clone2: four threads, each on its own mmap'd 64 KiB area (clone2 gets the
// base and the size: the memory stack grows down from base + size - 16, the
// register backing store up from base), flags VM|FS|FILES|SIGHAND|THREAD|
// SYSVSEM|PARENT_SETTID|CHILD_CLEARTID. Thread i computes
// sum(1..1000*(i+1)) and records gettid() and getpid(); main joins each on
// its CLONE_CHILD_CLEARTID word with FUTEX_WAIT (the kernel clears it and
// does a shared FUTEX_WAKE when the thread exits) and prints the same lines
// as the C sample.
//
// Expected output: the C sample's native recording,
// tests/func/expected/raw_clone_threads.out, byte for byte: the values
// printed are relations (tid != pid, ...) and sums, so they do not depend
// on the arch (no ia64 machine exists to record this one).
	.explicit
	.equ	__NR_exit,	1025
	.equ	__NR_write,	1027
	.equ	__NR_getpid,	1041
	.equ	__NR_gettid,	1105
	.equ	__NR_mmap,	1151
	.equ	__NR_clone2,	1213
	.equ	__NR_futex,	1230
	.equ	__NR_exit_group, 1236
	.equ	FUTEX_WAIT,	0
	.equ	STACK_SIZE,	0x10000
	.equ	NTHREADS,	4
	.equ	CLONE_FLAGS,	0x350f00	// VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|PARENT_SETTID|CHILD_CLEARTID

	.data
	.align	8
ret:	data8	0, 0, 0, 0		// clone2's return value per thread
r_tid:	data8	0, 0, 0, 0		// gettid() in the thread
r_tgid:	data8	0, 0, 0, 0		// getpid() in the thread
r_work:	data8	0, 0, 0, 0
limit:	data8	1000, 2000, 3000, 4000
pow10:	data8	10000000, 1000000, 100000, 10000, 1000, 100, 10, 1
ptid:	data4	0, 0, 0, 0
ctid:	data4	0, 0, 0, 0
digit:	data1	0

	.section .rodata
m_start: .ascii	"raw clone: creating 4 threads without glibc\n"
	.equ	m_start_len, . - m_start
m_thread: .ascii "thread "
m_f1:	.ascii	": tid_ne_pid="
m_f2:	.ascii	" child_tgid_eq_parent="
m_f3:	.ascii	" ptid_eq_ret="
m_f4:	.ascii	" gettid_eq_ret="
m_f5:	.ascii	" ctid_cleared="
m_f6:	.ascii	" work="
m_distinct: .ascii "tids_distinct="
m_sum:	.ascii	"sum_of_work="
m_done:	.ascii	"done\n"
m_nl:	.ascii	"\n"
m_fail:	.ascii	"syscall failed\n"
	.equ	m_fail_len, . - m_fail

// SAY label, len: write(1, label, len) through say (out0/out1 of the frame)
	.macro	SAY	label, len
	movl	out0 = \label
	;;
	mov	out1 = \len
	br.call.sptk.many b0 = say
	;;
	.endm
// FLAG: prints "1" if p6 else "0" (p7 = !p6; via put_dec)
	.macro	FLAG
	;;
(p6)	mov	out0 = 1
(p7)	mov	out0 = 0
	br.call.sptk.many b0 = put_dec
	;;
	.endm

	.text
	.global	_start
	.proc	_start
_start:
	// loc0 pfs, loc1 i, loc2 pid, loc3 &ret[i], loc4 &ptid[i], loc5 &ctid[i],
	// loc6 total, loc7 scratch
	alloc	loc0 = ar.pfs, 0, 8, 6, 0
	mov	r15 = __NR_getpid
	;;
	break	0x100000
	;;
	mov	loc2 = r8
	SAY	m_start, m_start_len
	mov	loc1 = 0
	;;
spawn:	// stack = mmap(NULL, STACK_SIZE, RW, PRIVATE|ANONYMOUS, -1, 0)
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
	mov	out1 = r8			// stack_base
	movl	loc4 = ptid
	movl	loc5 = ctid
	;;
	shladd	loc4 = loc1, 2, loc4
	shladd	loc5 = loc1, 2, loc5
	mov	r14 = 1
	;;
	st4	[loc5] = r14			// nonzero while the thread lives
	movl	out0 = CLONE_FLAGS
	mov	out2 = STACK_SIZE
	;;
	mov	out3 = loc4
	mov	out4 = loc5
	mov	out5 = r0
	mov	r15 = __NR_clone2
	;;
	break	0x100000
	;;
	cmp.eq	p6, p0 = -1, r10
	cmp.eq	p7, p0 = 0, r8
(p6)	br.cond.spnt.few fail
	;;
(p7)	br.cond.dpnt.few child
	movl	loc3 = ret
	;;
	shladd	loc3 = loc1, 3, loc3
	;;
	st8	[loc3] = r8
	adds	loc1 = 1, loc1
	;;
	cmp.gt	p6, p0 = NTHREADS, loc1
(p6)	br.cond.sptk.few spawn
	;;
	// join: while ((v = ctid[i]) != 0) futex(&ctid[i], FUTEX_WAIT, v)
	mov	loc1 = 0
	;;
join:	movl	loc5 = ctid
	;;
	shladd	loc5 = loc1, 2, loc5
	;;
1:	ld4.acq	r16 = [loc5]
	;;
	cmp4.eq	p6, p0 = 0, r16
(p6)	br.cond.dpnt.few 2f
	;;
	mov	out0 = loc5
	mov	out1 = FUTEX_WAIT
	mov	out2 = r16
	mov	out3 = r0
	mov	r15 = __NR_futex
	;;
	break	0x100000
	;;
	br.cond.sptk.few 1b
	;;
2:	adds	loc1 = 1, loc1
	;;
	cmp.gt	p6, p0 = NTHREADS, loc1
(p6)	br.cond.sptk.few join
	;;
	// report
	mov	loc1 = 0
	mov	loc6 = 0
	;;
report:	SAY	m_thread, 7
	mov	out0 = loc1
	br.call.sptk.many b0 = put_dec
	;;
	movl	r14 = r_tid
	movl	r16 = r_tgid
	;;
	shladd	r14 = loc1, 3, r14
	shladd	r16 = loc1, 3, r16
	;;
	ld8	loc3 = [r14]			// loc3: the thread's gettid()
	ld8	loc7 = [r16]			// loc7: its getpid()
	SAY	m_f1, 13
	cmp.ne	p6, p7 = loc3, loc7		// tid_ne_pid
	FLAG
	SAY	m_f2, 22
	cmp.eq	p6, p7 = loc7, loc2		// child_tgid_eq_parent
	FLAG
	SAY	m_f3, 13
	movl	r14 = ret
	movl	r16 = ptid
	;;
	shladd	r14 = loc1, 3, r14
	shladd	r16 = loc1, 2, r16
	;;
	ld8	loc7 = [r14]			// loc7: clone2's return value
	ld4	r16 = [r16]
	;;
	cmp.eq	p6, p7 = r16, loc7		// ptid_eq_ret
	FLAG
	SAY	m_f4, 15
	cmp.eq	p6, p7 = loc3, loc7		// gettid_eq_ret
	FLAG
	SAY	m_f5, 14
	movl	r16 = ctid
	;;
	shladd	r16 = loc1, 2, r16
	;;
	ld4	r16 = [r16]
	;;
	cmp4.eq	p6, p7 = 0, r16			// ctid_cleared
	FLAG
	SAY	m_f6, 6
	movl	r14 = r_work
	;;
	shladd	r14 = loc1, 3, r14
	;;
	ld8	out0 = [r14]
	;;
	add	loc6 = loc6, out0
	br.call.sptk.many b0 = put_dec
	;;
	SAY	m_nl, 1
	adds	loc1 = 1, loc1
	;;
	cmp.gt	p6, p0 = NTHREADS, loc1
(p6)	br.cond.sptk.few report
	;;
	// tids_distinct: every pair of clone2 return values differs
	movl	r14 = ret
	mov	r20 = 1
	;;
	ld8	r16 = [r14], 8
	;;
	ld8	r17 = [r14], 8
	;;
	ld8	r18 = [r14], 8
	;;
	ld8	r19 = [r14]
	cmp.eq	p8, p0 = r16, r17
	;;
(p8)	mov	r20 = 0
	cmp.eq	p8, p0 = r16, r18
	;;
(p8)	mov	r20 = 0
	cmp.eq	p8, p0 = r16, r19
	;;
(p8)	mov	r20 = 0
	cmp.eq	p8, p0 = r17, r18
	;;
(p8)	mov	r20 = 0
	cmp.eq	p8, p0 = r17, r19
	;;
(p8)	mov	r20 = 0
	cmp.eq	p8, p0 = r18, r19
	;;
(p8)	mov	r20 = 0
	;;
	mov	loc7 = r20
	SAY	m_distinct, 14
	mov	out0 = loc7
	br.call.sptk.many b0 = put_dec
	;;
	SAY	m_nl, 1
	SAY	m_sum, 12
	mov	out0 = loc6
	br.call.sptk.many b0 = put_dec
	;;
	SAY	m_nl, 1
	SAY	m_done, 5
	mov	out0 = 0
	mov	r15 = __NR_exit_group
	;;
	break	0x100000
	;;

	// the thread: main's frame (loc1 = its index), a fresh memory stack
	// and an empty register backing store at its stack_base
child:	mov	out0 = loc1
	br.call.sptk.many b0 = thread_main
	;;
	mov	out0 = 0			// exit(0): this thread only
	mov	r15 = __NR_exit
	;;
	break	0x100000
	;;
fail:	SAY	m_fail, m_fail_len
	mov	out0 = 1
	mov	r15 = __NR_exit_group
	;;
	break	0x100000
	;;
	.endp	_start

// void thread_main(long i): r_work[i] = sum(1..limit[i]); r_tid[i] =
// gettid(); r_tgid[i] = getpid()
	.proc	thread_main
thread_main:
	alloc	loc0 = ar.pfs, 1, 2, 1, 0
	movl	r14 = limit
	;;
	shladd	r14 = in0, 3, r14
	mov	r17 = 0
	;;
	ld8	r16 = [r14]
	;;
1:	add	r17 = r17, r16
	adds	r16 = -1, r16
	;;
	cmp.ne	p6, p0 = 0, r16
(p6)	br.cond.sptk.few 1b
	;;
	movl	r14 = r_work
	;;
	shladd	r14 = in0, 3, r14
	;;
	st8	[r14] = r17
	mov	r15 = __NR_gettid
	;;
	break	0x100000
	;;
	movl	r14 = r_tid
	;;
	shladd	r14 = in0, 3, r14
	;;
	st8	[r14] = r8
	mov	r15 = __NR_getpid
	;;
	break	0x100000
	;;
	movl	r14 = r_tgid
	;;
	shladd	r14 = in0, 3, r14
	;;
	st8	[r14] = r8
	mov	ar.pfs = loc0
	;;
	br.ret.sptk.many b0
	;;
	.endp	thread_main

// void put_dec(unsigned long v): v in decimal (v < 10^8), by subtracting
// powers of ten (the subset has no divide)
	.proc	put_dec
put_dec:
	alloc	loc0 = ar.pfs, 1, 5, 2, 0	// loc1 b0, loc2 &pow10[k], loc3 k, loc4 started
	mov	loc1 = b0
	movl	loc2 = pow10
	;;
	mov	loc3 = 8
	mov	loc4 = 0
	;;
1:	ld8	r16 = [loc2], 8			// p = 10^k
	mov	r17 = 0				// the digit
	;;
2:	cmp.ltu	p6, p0 = in0, r16
(p6)	br.cond.dpnt.few 3f
	;;
	sub	in0 = in0, r16
	adds	r17 = 1, r17
	br.cond.sptk.few 2b
	;;
3:	cmp.ne	p7, p0 = 0, r17
	;;
(p7)	mov	loc4 = 1
	cmp.eq	p8, p0 = 1, loc3		// the last digit always prints
	;;
(p8)	mov	loc4 = 1
	;;
	cmp.eq	p9, p0 = 0, loc4
(p9)	br.cond.dpnt.few 4f
	;;
	movl	out0 = digit
	adds	r17 = 0x30, r17
	;;
	st1	[out0] = r17
	mov	out1 = 1
	br.call.sptk.many b0 = say
	;;
4:	adds	loc3 = -1, loc3
	;;
	cmp.ne	p6, p0 = 0, loc3
(p6)	br.cond.sptk.few 1b
	;;
	mov	ar.pfs = loc0
	mov	b0 = loc1
	;;
	br.ret.sptk.many b0
	;;
	.endp	put_dec

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

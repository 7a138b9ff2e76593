// rse-signal.S -- the 300-deep recursion of shared/ia64-lite/rse-recursion.S
// (more frames than the 96 physical stacked registers, so real hardware
// spills and fills) with a signal in the middle: at depth 150 (n == 150)
// the recursion sends itself SIGUSR1 with tgkill. The handler runs on top of
// the interrupted register frames (the kernel's cover) and itself recurses
// 100 deep with the same function; rt_sigreturn brings back the interrupted
// frame, and the outer recursion finishes with every in0 intact.
//
// Expected (no ia64 machine: reasoned): the handler computes
// sum(100) = 5050; the recursion returns sum(300) = 45150 = 0xb05e;
// exit(45150) leaves status 45150 & 0xff = 94, as rse-recursion.S does.
// stdout: the two lines of tests/ia64lite/expected/rse-signal.out.
	.explicit
	.equ	__NR_exit,		1025
	.equ	__NR_write,		1027
	.equ	__NR_getpid,		1041
	.equ	__NR_gettid,		1105
	.equ	__NR_rt_sigaction,	1177
	.equ	__NR_tgkill,		1235
	.equ	SIGUSR1,	10

	.data
	.align	8
handler_desc:	data8	handler, __gp
act:		data8	handler_desc, 0, 0	// {sa_handler, sa_flags, sa_mask}
pid:		data8	0
tid:		data8	0
hres:		data8	0

	.section .rodata
m_handler: .ascii "handler: ran at depth 150, sum(100) = 5050 on top of the covered frames\n"
	.equ	m_handler_len, . - m_handler
m_sum:	.ascii	"main: sum(300) = 45150 after the signal\n"
	.equ	m_sum_len, . - m_sum
m_bad:	.ascii	"wrong result\n"
	.equ	m_bad_len, . - m_bad

	.text
	.global	_start
	.proc	_start
_start:
	alloc	loc0 = ar.pfs, 0, 2, 4, 0	// loc1: sum(300)
	mov	r15 = __NR_getpid
	;;
	break	0x100000
	;;
	movl	r14 = pid
	;;
	st8	[r14] = r8
	mov	r15 = __NR_gettid
	;;
	break	0x100000
	;;
	movl	r14 = tid
	;;
	st8	[r14] = r8
	mov	out0 = SIGUSR1			// rt_sigaction(SIGUSR1, &act, NULL, 8)
	movl	out1 = act
	;;
	mov	out2 = r0
	mov	out3 = 8
	mov	r15 = __NR_rt_sigaction
	;;
	break	0x100000
	;;
	mov	out0 = 300
	br.call.sptk.many b0 = sum
	;;
	mov	loc1 = r8
	movl	r14 = hres
	;;
	ld8	r14 = [r14]
	mov	r16 = 5050
	;;
	cmp.ne	p6, p0 = r16, r14
(p6)	br.cond.spnt.few bad
	movl	out0 = m_handler
	;;
	mov	out1 = m_handler_len
	br.call.sptk.many b0 = say
	;;
	movl	r14 = 45150
	;;
	cmp.ne	p6, p0 = r14, loc1
(p6)	br.cond.spnt.few bad
	movl	out0 = m_sum
	;;
	mov	out1 = m_sum_len
	br.call.sptk.many b0 = say
	;;
	mov	out0 = loc1			// exit(45150): status 94
	mov	r15 = __NR_exit
	;;
	break	0x100000
	;;
bad:	movl	out0 = m_bad
	;;
	mov	out1 = m_bad_len
	br.call.sptk.many b0 = say
	;;
	mov	out0 = 1
	mov	r15 = __NR_exit
	;;
	break	0x100000
	;;
	.endp	_start

// long sum(long n): n == 0 ? 0 : n + sum(n - 1); at n == 150 it raises
// SIGUSR1 at itself first.
	.proc	sum
sum:
	alloc	loc0 = ar.pfs, 1, 2, 1, 0	// in0=r32 loc0=r33 loc1=r34 out0=r35
	mov	loc1 = b0
	cmp.eq	p6, p7 = 0, in0
	;;
(p6)	mov	r8 = 0
(p6)	br.cond.dpnt.few 1f
	;;
	mov	r14 = 150
	;;
	cmp.eq	p8, p0 = r14, in0
	;;
(p8)	br.call.dpnt.many b0 = raise
	;;
	adds	out0 = -1, in0
	br.call.sptk.many b0 = sum
	;;
	add	r8 = r8, in0			// in0 survived the calls and the signal
	;;
1:	mov	ar.pfs = loc0
	mov	b0 = loc1
	;;
	br.ret.sptk.many b0
	;;
	.endp	sum

// void raise(void): tgkill(pid, tid, SIGUSR1); the handler runs at its return
	.proc	raise
raise:
	alloc	loc0 = ar.pfs, 0, 1, 3, 0
	movl	r14 = pid
	movl	r16 = tid
	;;
	ld8	out0 = [r14]
	ld8	out1 = [r16]
	mov	out2 = SIGUSR1
	mov	r15 = __NR_tgkill
	;;
	break	0x100000
	;;
	mov	ar.pfs = loc0
	;;
	br.ret.sptk.many b0
	;;
	.endp	raise

// void handler(int sig, siginfo_t *info, struct sigcontext *sc)
	.proc	handler
handler:
	alloc	loc0 = ar.pfs, 3, 2, 1, 0
	mov	loc1 = b0
	mov	out0 = 100
	;;
	br.call.sptk.many b0 = sum
	;;
	movl	r14 = hres
	;;
	st8	[r14] = r8
	mov	ar.pfs = loc0
	mov	b0 = loc1
	;;
	br.ret.sptk.many b0
	;;
	.endp	handler

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

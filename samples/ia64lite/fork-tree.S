// fork-tree.S -- fork-like clone2 (flags = SIGCHLD, no stack: the child keeps
// the parent's r12 and register stack, in a copied address space) three
// times; child k exits with status k; the parent reaps them with
// wait4(-1, &status, 0, NULL) and exits with the sum of WEXITSTATUS values
// (1 + 2 + 3 = 6) after printing one line per reaped child.
// No ia64 machine exists: the expected result (exit 6, three "reaped" lines)
// follows from the Linux fork/wait4 semantics documented in ABI.md.
	.equ	__NR_exit,	1025
	.equ	__NR_write,	1027
	.equ	__NR_wait4,	1126
	.equ	__NR_clone2,	1213
	.equ	SIGCHLD,	17
	.explicit
	.data
	.align	8
status:	data8	0
	.section .rodata
m_reaped: .ascii "parent: reaped a child\n"
	.equ	m_reaped_len, . - m_reaped
	.text
	.global	_start
	.proc	_start
_start:
	// loc0 = k (1..3), loc1 = children left, loc2 = sum, loc3 = &status
	alloc	loc4 = ar.pfs, 0, 5, 6, 0
	mov	loc0 = 1
	mov	loc2 = 0
	;;
	movl	loc3 = status
	;;
spawn:
	mov	out0 = SIGCHLD			// clone2(SIGCHLD, 0, 0, 0, 0, 0) = fork
	mov	out1 = r0
	mov	out2 = r0
	mov	out3 = r0
	mov	out4 = r0
	mov	out5 = r0
	mov	r15 = __NR_clone2
	;;
	break	0x100000
	;;
	cmp.eq	p6, p7 = 0, r8			// p6: child
	;;
(p6)	mov	out0 = loc0			// child: exit(k)
(p6)	mov	r15 = __NR_exit
	;;
(p6)	break	0x100000
	;;
	adds	loc0 = 1, loc0
	;;
	cmp.ge	p8, p0 = 3, loc0		// more to spawn while 3 >= k
	;;
(p8)	br.cond.sptk.few spawn
	;;
	mov	loc1 = 3
	;;
reap:
	mov	out0 = -1			// wait4(-1, &status, 0, NULL)
	mov	out1 = loc3
	mov	out2 = r0
	mov	out3 = r0
	mov	r15 = __NR_wait4
	;;
	break	0x100000
	;;
	ld4	r16 = [loc3]
	;;
	extr.u	r16 = r16, 8, 8			// WEXITSTATUS
	;;
	add	loc2 = loc2, r16
	adds	loc1 = -1, loc1
	;;
	movl	out1 = m_reaped
	;;
	mov	out0 = 1
	mov	out2 = m_reaped_len
	mov	r15 = __NR_write
	;;
	break	0x100000
	;;
	cmp.ne	p9, p0 = 0, loc1
(p9)	br.cond.sptk.few reap
	;;
	mov	out0 = loc2			// exit(1 + 2 + 3)
	mov	r15 = __NR_exit
	;;
	break	0x100000
	;;
	.endp	_start

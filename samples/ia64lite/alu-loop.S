// alu-loop.S -- the ia64-lite benchmark: a loop of integer ALU bundles with
// no nops (9 instructions per iteration), run ITER times, then exit(0).
// tests/ia64lite/bench.sh times it and reports guest instructions per
// second (ITER * 9 / seconds).
	.equ	ITER, 50000000
	.explicit
	.text
	.global	_start
	.proc	_start
_start:
	alloc	r2 = ar.pfs, 0, 0, 1, 0
	movl	r14 = ITER
	;;
	mov	r16 = 1
	mov	r17 = 3
	mov	r18 = 0
	;;
	mov	r19 = 0
	mov	r20 = 0
	mov	r21 = 0
	;;
loop:
{ .mii
	add	r16 = r16, r17
	add	r18 = r18, r17
	xor	r19 = r19, r17
}
{ .mii
	sub	r20 = r20, r17
	adds	r14 = -1, r14
	shladd	r21 = r17, 2, r21
	;;
}
{ .mib
	or	r17 = 5, r17
	cmp.ne	p6, p0 = 0, r14
(p6)	br.cond.sptk.few loop
	;;
}
	mov	out0 = 0
	mov	r15 = 1025
	;;
	break	0x100000
	;;
	.endp	_start

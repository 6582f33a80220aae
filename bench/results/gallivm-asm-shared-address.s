cs_co_variant:
     0:	pushq	%rbp
     1:	pushq	%r15
     3:	pushq	%r14
     5:	pushq	%r13
     7:	pushq	%r12
     9:	pushq	%rbx
     a:	subq	$56, %rsp
     e:	movq	232(%rsp), %r12
    16:	movl	%r9d, 36(%rsp)
    1b:	movl	224(%rsp), %r13d
    23:	movl	208(%rsp), %r9d
    2b:	movl	200(%rsp), %r14d
    33:	movl	192(%rsp), %r15d
    3b:	movl	184(%rsp), %eax
    42:	movq	%rsi, %rbx
    45:	cmpq	$0, (%r12)
    4a:	jne	32
    4c:	leal	(,%rax,8), %eax
    53:	movl	%r9d, %ebp
    56:	leal	(%rax,%rax,2), %edi
    59:	movabsq	$140057553573424, %rax
    63:	callq	*%rax
    65:	movl	%ebp, %r9d
    68:	movq	%rax, (%r12)
    6c:	leal	(,%r13,8), %ebp
    74:	movq	(%r12), %rcx
    78:	vpbroadcastd	%r14d, %ymm9
    7e:	vpbroadcastd	%r9d, %ymm6
    84:	leal	(%rbp,%rbp,2), %eax
    88:	movslq	%eax, %rdx
    8b:	movabsq	$140057599576512, %rax
    95:	movq	%rax, (%rcx,%rdx)
    99:	movabsq	$140057599576512, %rax
    a3:	movq	%rcx, 48(%rsp)
    a8:	movq	%rdx, 40(%rsp)
    ad:	movq	%rax, 8(%rcx,%rdx)
    b2:	leal	5(,%r13,8), %eax
    ba:	xorl	%edx, %edx
    bc:	divl	%r14d
    bf:	movl	%edx, %r11d
    c2:	xorl	%edx, %edx
    c4:	movl	%eax, %r8d
    c7:	leal	4(,%r13,8), %eax
    cf:	divl	%r14d
    d2:	movl	%edx, %r10d
    d5:	xorl	%edx, %edx
    d7:	movl	%eax, %esi
    d9:	leal	6(,%r13,8), %eax
    e1:	vmovd	%esi, %xmm0
    e5:	vpinsrd	$1, %r8d, %xmm0, %xmm0
    eb:	divl	%r14d
    ee:	movl	%edx, %r12d
    f1:	xorl	%edx, %edx
    f3:	movl	%eax, %edi
    f5:	leal	7(,%r13,8), %eax
    fd:	vpinsrd	$2, %edi, %xmm0, %xmm0
   103:	divl	%r14d
   106:	movl	%edx, 32(%rsp)
   10a:	xorl	%edx, %edx
   10c:	movl	%eax, %ecx
   10e:	movl	%ebp, %eax
   110:	divl	%r14d
   113:	vpinsrd	$3, %ecx, %xmm0, %xmm0
   119:	movl	%edx, 28(%rsp)
   11d:	xorl	%edx, %edx
   11f:	movl	%eax, %ebp
   121:	leal	1(,%r13,8), %eax
   129:	vmovd	%ebp, %xmm1
   12d:	divl	%r14d
   130:	movl	%edx, 24(%rsp)
   134:	xorl	%edx, %edx
   136:	movl	%eax, %esi
   138:	leal	2(,%r13,8), %eax
   140:	vpinsrd	$1, %esi, %xmm1, %xmm1
   146:	divl	%r14d
   149:	movl	%edx, 20(%rsp)
   14d:	xorl	%edx, %edx
   14f:	movl	%eax, %edi
   151:	leal	3(,%r13,8), %eax
   159:	vpinsrd	$2, %edi, %xmm1, %xmm1
   15f:	divl	%r14d
   162:	movl	%edx, 16(%rsp)
   166:	xorl	%edx, %edx
   168:	vpinsrd	$3, %eax, %xmm1, %xmm1
   16e:	vinserti128	$1, %xmm0, %ymm1, %ymm0
   174:	vmovd	%r10d, %xmm1
   179:	vpinsrd	$1, %r11d, %xmm1, %xmm1
   17f:	vpextrd	$3, %xmm0, %eax
   185:	vextracti128	$1, %ymm0, %xmm2
   18b:	vpinsrd	$2, %r12d, %xmm1, %xmm1
   191:	divl	%r9d
   194:	vpextrd	$2, %xmm0, %eax
   19a:	movl	%edx, 12(%rsp)
   19e:	xorl	%edx, %edx
   1a0:	divl	%r9d
   1a3:	vpextrd	$1, %xmm0, %eax
   1a9:	vpextrd	$3, %xmm2, %r11d
   1af:	vpextrd	$2, %xmm2, %ecx
   1b5:	vpextrd	$1, %xmm2, %edi
   1bb:	vmovd	%xmm2, %esi
   1bf:	movl	%edx, %ebp
   1c1:	xorl	%edx, %edx
   1c3:	divl	%r9d
   1c6:	vmovd	%xmm0, %eax
   1ca:	movl	%edx, %r8d
   1cd:	xorl	%edx, %edx
   1cf:	divl	%r9d
   1d2:	movl	%r11d, %eax
   1d5:	movl	%edx, %r10d
   1d8:	xorl	%edx, %edx
   1da:	divl	%r9d
   1dd:	vmovd	28(%rsp), %xmm3
   1e3:	vpinsrd	$3, 32(%rsp), %xmm1, %xmm1
   1eb:	movl	%ecx, %eax
   1ed:	movl	%edx, %r12d
   1f0:	xorl	%edx, %edx
   1f2:	divl	%r9d
   1f5:	movl	%edi, %eax
   1f7:	movl	%edx, %r13d
   1fa:	xorl	%edx, %edx
   1fc:	vpinsrd	$1, 24(%rsp), %xmm3, %xmm4
   204:	divl	%r9d
   207:	movl	%esi, %eax
   209:	movl	%edx, %r14d
   20c:	xorl	%edx, %edx
   20e:	vpinsrd	$2, 20(%rsp), %xmm4, %xmm4
   216:	vpinsrd	$3, 16(%rsp), %xmm4, %xmm2
   21e:	divl	%r9d
   221:	vmovd	%edx, %xmm4
   225:	vpinsrd	$1, %r14d, %xmm4, %xmm4
   22b:	vpinsrd	$2, %r13d, %xmm4, %xmm4
   231:	vpinsrd	$3, %r12d, %xmm4, %xmm5
   237:	vmovd	%r10d, %xmm4
   23c:	vpinsrd	$1, %r8d, %xmm4, %xmm4
   242:	vpinsrd	$2, %ebp, %xmm4, %xmm4
   248:	vpinsrd	$3, 12(%rsp), %xmm4, %xmm7
   250:	vinserti128	$1, %xmm1, %ymm2, %ymm4
   256:	vpcmpeqd	%ymm1, %ymm1, %ymm1
   25a:	vinserti128	$1, %xmm5, %ymm7, %ymm5
   260:	testl	%r15d, %r15d
   263:	je	73
   265:	movl	184(%rsp), %eax
   26c:	movl	224(%rsp), %edx
   273:	vpcmpeqd	%ymm2, %ymm2, %ymm2
   277:	decl	%eax
   279:	cmpl	%edx, %eax
   27b:	jne	53
   27d:	movabsq	$140057599569920, %rax
   287:	vpcmpeqd	%ymm2, %ymm2, %ymm2
   28b:	vmovdqa	(%rax), %ymm7
   28f:	nop
   290:	vpbroadcastd	%r15d, %ymm8
   296:	incl	%r15d
   299:	vpcmpneqd	%ymm7, %ymm8, %k1
   2a0:	vmovdqa32	%ymm2, %ymm2 {%k1} {z}
   2a6:	cmpl	$8, %r15d
   2aa:	jb	-28
   2ac:	jmp	4
   2ae:	vpcmpeqd	%ymm2, %ymm2, %ymm2
   2b2:	vextracti128	$1, %ymm6, %xmm7
   2b8:	movl	%edi, %eax
   2ba:	xorl	%edx, %edx
   2bc:	vpcmpeqd	%ymm8, %ymm8, %ymm8
   2c1:	vpcmpeqd	%ymm10, %ymm10, %ymm10
   2c6:	vpcmpeqd	%ymm11, %ymm11, %ymm11
   2cb:	vpcmpeqd	%ymm12, %ymm12, %ymm12
   2d0:	vpextrd	$1, %xmm7, %ebp
   2d6:	divl	%ebp
   2d8:	vmovd	%xmm7, %ebp
   2dc:	movl	%esi, %eax
   2de:	vpextrd	$2, %xmm7, %esi
   2e4:	movl	%edx, %edi
   2e6:	xorl	%edx, %edx
   2e8:	divl	%ebp
   2ea:	movl	%ecx, %eax
   2ec:	vpextrd	$3, %xmm7, %ecx
   2f2:	vmovd	%edx, %xmm3
   2f6:	xorl	%edx, %edx
   2f8:	divl	%esi
   2fa:	movl	%r11d, %eax
   2fd:	vmovd	%xmm6, %esi
   301:	vpinsrd	$1, %edi, %xmm3, %xmm3
   307:	vpinsrd	$2, %edx, %xmm3, %xmm3
   30d:	xorl	%edx, %edx
   30f:	divl	%ecx
   311:	vpextrd	$1, %xmm0, %eax
   317:	vpextrd	$1, %xmm6, %ecx
   31d:	vpinsrd	$3, %edx, %xmm3, %xmm3
   323:	xorl	%edx, %edx
   325:	divl	%ecx
   327:	vmovd	%xmm0, %eax
   32b:	movl	%edx, %ecx
   32d:	xorl	%edx, %edx
   32f:	divl	%esi
   331:	vpextrd	$2, %xmm0, %eax
   337:	vmovd	%edx, %xmm7
   33b:	xorl	%edx, %edx
   33d:	vpinsrd	$1, %ecx, %xmm7, %xmm7
   343:	vpextrd	$2, %xmm6, %ecx
   349:	divl	%ecx
   34b:	movq	48(%rsp), %rsi
   350:	vpextrd	$3, %xmm0, %eax
   356:	vpextrd	$3, %xmm6, %ecx
   35c:	vpinsrd	$2, %edx, %xmm7, %xmm7
   362:	addq	40(%rsp), %rsi
   367:	xorl	%edx, %edx
   369:	divl	%ecx
   36b:	movq	16(%rbx), %rcx
   36f:	movl	36(%rsp), %eax
   373:	vpinsrd	$3, %edx, %xmm7, %xmm6
   379:	movabsq	$140057599569952, %rdx
   383:	vpxor	%xmm7, %xmm7, %xmm7
   387:	vinserti128	$1, %xmm3, %ymm6, %ymm3
   38d:	vpsubd	%ymm3, %ymm0, %ymm0
   391:	vpaddd	%ymm5, %ymm0, %ymm0
   395:	vmovd	264(%rcx), %xmm5
   39d:	movabsq	$140057599569968, %rcx
   3a7:	vpmulld	%ymm9, %ymm0, %ymm0
   3ac:	vpsrlvd	(%rdx), %xmm5, %xmm5
   3b1:	vpxor	%xmm9, %xmm9, %xmm9
   3b6:	vpminud	(%rcx){1to4}, %xmm5, %xmm5
   3bc:	vpaddd	%ymm4, %ymm0, %ymm16
   3c2:	vpbroadcastd	%eax, %ymm4
   3c8:	movabsq	$140057599569972, %rax
   3d2:	vbroadcastss	(%rax), %ymm6
   3d7:	vcvtudq2ps	%ymm16, %ymm0
   3dd:	vpbroadcastd	%xmm5, %ymm5
   3e2:	jmp	88
   3e4:	nopw	%cs:(%rax,%rax)
   3f0:	vpblendd	$128, %ymm7, %ymm13, %ymm13
   3f6:	vmulps	%ymm0, %ymm13, %ymm3
   3fa:	vpcmpeqd	%ymm7, %ymm11, %ymm13
   3fe:	vpsubd	%ymm1, %ymm9, %ymm14
   402:	kortestb	%k0, %k0
   406:	vpaddd	%ymm13, %ymm10, %ymm13
   40b:	vblendvps	%ymm8, %ymm14, %ymm9, %ymm9
   411:	vblendvps	%ymm8, %ymm13, %ymm10, %ymm10
   417:	vaddps	%ymm6, %ymm3, %ymm3
   41b:	vblendvps	%ymm8, %ymm3, %ymm0, %ymm0
   421:	vpaddd	%ymm1, %ymm11, %ymm3
   425:	vblendvps	%ymm8, %ymm3, %ymm11, %ymm11
   42b:	vpmaxud	%ymm13, %ymm3, %ymm3
   430:	vblendvps	%ymm8, %ymm3, %ymm12, %ymm12
   436:	je	593
   43c:	vptestnmd	%ymm12, %ymm12, %k0
   442:	vpcmpnltud	%ymm5, %ymm9, %k1
   449:	vpaddd	%ymm4, %ymm9, %ymm13
   44d:	korb	%k1, %k0, %k0
   451:	vpslld	$2, %ymm13, %ymm13
   457:	knotb	%k0, %k1
   45b:	vpsrad	$2, %ymm13, %ymm14
   461:	vmovdqa32	%ymm8, %ymm8 {%k1} {z}
   467:	vpand	%ymm2, %ymm8, %ymm13
   46b:	vptestmd	%ymm13, %ymm13, %k0
   471:	vpxor	%xmm13, %xmm13, %xmm13
   476:	kmovd	%k0, %eax
   47a:	testb	$1, %al
   47c:	je	34
   47e:	movq	16(%rbx), %rax
   482:	vmovd	%xmm14, %ecx
   486:	vpxor	%xmm13, %xmm13, %xmm13
   48b:	movl	8(%rax), %edx
   48e:	sarl	$2, %edx
   491:	cmpl	%edx, %ecx
   493:	jae	11
   495:	movq	(%rax), %rax
   498:	movslq	%ecx, %rcx
   49b:	vmovd	(%rax,%rcx,4), %xmm13
   4a0:	kshiftrb	$1, %k0, %k1
   4a6:	kmovd	%k1, %eax
   4aa:	testb	$1, %al
   4ac:	je	56
   4ae:	movq	16(%rbx), %rax
   4b2:	vpextrd	$1, %xmm14, %ecx
   4b8:	movl	8(%rax), %edx
   4bb:	sarl	$2, %edx
   4be:	cmpl	%edx, %ecx
   4c0:	jae	30
   4c2:	movq	(%rax), %rax
   4c5:	movslq	%ecx, %rcx
   4c8:	vpinsrd	$1, (%rax,%rcx,4), %xmm13, %xmm15
   4cf:	vpblendd	$15, %ymm15, %ymm13, %ymm13
   4d5:	jmp	15
   4d7:	nopw	(%rax,%rax)
   4e0:	vpblendd	$2, %ymm7, %ymm13, %ymm13
   4e6:	kshiftrb	$2, %k0, %k1
   4ec:	kmovd	%k1, %eax
   4f0:	testb	$1, %al
   4f2:	je	50
   4f4:	movq	16(%rbx), %rax
   4f8:	vpextrd	$2, %xmm14, %ecx
   4fe:	movl	8(%rax), %edx
   501:	sarl	$2, %edx
   504:	cmpl	%edx, %ecx
   506:	jae	24
   508:	movq	(%rax), %rax
   50b:	movslq	%ecx, %rcx
   50e:	vpinsrd	$2, (%rax,%rcx,4), %xmm13, %xmm15
   515:	vpblendd	$15, %ymm15, %ymm13, %ymm13
   51b:	jmp	9
   51d:	nopl	(%rax)
   520:	vpblendd	$4, %ymm7, %ymm13, %ymm13
   526:	kshiftrb	$3, %k0, %k1
   52c:	kmovd	%k1, %eax
   530:	testb	$1, %al
   532:	je	50
   534:	movq	16(%rbx), %rax
   538:	vpextrd	$3, %xmm14, %ecx
   53e:	movl	8(%rax), %edx
   541:	sarl	$2, %edx
   544:	cmpl	%edx, %ecx
   546:	jae	24
   548:	movq	(%rax), %rax
   54b:	movslq	%ecx, %rcx
   54e:	vpinsrd	$3, (%rax,%rcx,4), %xmm13, %xmm15
   555:	vpblendd	$15, %ymm15, %ymm13, %ymm13
   55b:	jmp	9
   55d:	nopl	(%rax)
   560:	vpblendd	$8, %ymm7, %ymm13, %ymm13
   566:	kshiftrb	$4, %k0, %k1
   56c:	kmovd	%k1, %eax
   570:	testb	$1, %al
   572:	je	50
   574:	movq	16(%rbx), %rax
   578:	vextracti128	$1, %ymm14, %xmm3
   57e:	vmovd	%xmm3, %ecx
   582:	movl	8(%rax), %edx
   585:	sarl	$2, %edx
   588:	cmpl	%edx, %ecx
   58a:	jae	20
   58c:	movq	(%rax), %rax
   58f:	movslq	%ecx, %rcx
   592:	vpbroadcastd	(%rax,%rcx,4), %ymm3
   598:	vpblendd	$16, %ymm3, %ymm13, %ymm13
   59e:	jmp	6
   5a0:	vpblendd	$16, %ymm7, %ymm13, %ymm13
   5a6:	kshiftrb	$5, %k0, %k1
   5ac:	kmovd	%k1, %eax
   5b0:	testb	$1, %al
   5b2:	je	66
   5b4:	movq	16(%rbx), %rax
   5b8:	vextracti128	$1, %ymm14, %xmm3
   5be:	vpextrd	$1, %xmm3, %ecx
   5c4:	movl	8(%rax), %edx
   5c7:	sarl	$2, %edx
   5ca:	cmpl	%edx, %ecx
   5cc:	jae	34
   5ce:	movq	(%rax), %rax
   5d1:	movslq	%ecx, %rcx
   5d4:	vpbroadcastd	(%rax,%rcx,4), %ymm3
   5da:	vpblendd	$32, %ymm3, %ymm13, %ymm13
   5e0:	jmp	20
   5e2:	nopw	%cs:(%rax,%rax)
   5f0:	vpblendd	$32, %ymm7, %ymm13, %ymm13
   5f6:	kshiftrb	$6, %k0, %k1
   5fc:	kmovd	%k1, %eax
   600:	testb	$1, %al
   602:	je	66
   604:	movq	16(%rbx), %rax
   608:	vextracti128	$1, %ymm14, %xmm3
   60e:	vpextrd	$2, %xmm3, %ecx
   614:	movl	8(%rax), %edx
   617:	sarl	$2, %edx
   61a:	cmpl	%edx, %ecx
   61c:	jae	34
   61e:	movq	(%rax), %rax
   621:	movslq	%ecx, %rcx
   624:	vpbroadcastd	(%rax,%rcx,4), %ymm3
   62a:	vpblendd	$64, %ymm3, %ymm13, %ymm13
   630:	jmp	20
   632:	nopw	%cs:(%rax,%rax)
   640:	vpblendd	$64, %ymm7, %ymm13, %ymm13
   646:	kshiftrb	$7, %k0, %k1
   64c:	kmovd	%k1, %eax
   650:	testb	$1, %al
   652:	je	-610
   658:	movq	16(%rbx), %rax
   65c:	vextracti128	$1, %ymm14, %xmm3
   662:	vpextrd	$3, %xmm3, %ecx
   668:	movl	8(%rax), %edx
   66b:	sarl	$2, %edx
   66e:	cmpl	%edx, %ecx
   670:	jae	-646
   676:	movq	(%rax), %rax
   679:	movslq	%ecx, %rcx
   67c:	vpbroadcastd	(%rax,%rcx,4), %ymm3
   682:	vpblendd	$128, %ymm3, %ymm13, %ymm13
   688:	jmp	-663
   68d:	movabsq	$140057599569976, %rax
   697:	vptestmd	%ymm2, %ymm2, %k0
   69d:	vpandd	(%rax){1to8}, %ymm16, %ymm1
   6a3:	kmovd	%k0, %eax
   6a7:	testb	$1, %al
   6a9:	je	35
   6ab:	movq	16(%rbx), %rax
   6af:	vmovd	%xmm1, %ecx
   6b3:	movl	264(%rax), %edx
   6b9:	sarl	$2, %edx
   6bc:	cmpl	%edx, %ecx
   6be:	jae	14
   6c0:	movq	256(%rax), %rax
   6c7:	movl	%ecx, %ecx
   6c9:	vmovss	%xmm0, (%rax,%rcx,4)
   6ce:	kshiftrb	$1, %k0, %k1
   6d4:	kmovd	%k1, %eax
   6d8:	testb	$1, %al
   6da:	je	39
   6dc:	movq	16(%rbx), %rax
   6e0:	vpextrd	$1, %xmm1, %ecx
   6e6:	movl	264(%rax), %edx
   6ec:	sarl	$2, %edx
   6ef:	cmpl	%edx, %ecx
   6f1:	jae	16
   6f3:	movq	256(%rax), %rax
   6fa:	movl	%ecx, %ecx
   6fc:	vextractps	$1, %xmm0, (%rax,%rcx,4)
   703:	kshiftrb	$2, %k0, %k1
   709:	kmovd	%k1, %eax
   70d:	testb	$1, %al
   70f:	je	39
   711:	movq	16(%rbx), %rax
   715:	vpextrd	$2, %xmm1, %ecx
   71b:	movl	264(%rax), %edx
   721:	sarl	$2, %edx
   724:	cmpl	%edx, %ecx
   726:	jae	16
   728:	movq	256(%rax), %rax
   72f:	movl	%ecx, %ecx
   731:	vextractps	$2, %xmm0, (%rax,%rcx,4)
   738:	kshiftrb	$3, %k0, %k1
   73e:	kmovd	%k1, %eax
   742:	testb	$1, %al
   744:	je	39
   746:	movq	16(%rbx), %rax
   74a:	vpextrd	$3, %xmm1, %ecx
   750:	movl	264(%rax), %edx
   756:	sarl	$2, %edx
   759:	cmpl	%edx, %ecx
   75b:	jae	16
   75d:	movq	256(%rax), %rax
   764:	movl	%ecx, %ecx
   766:	vextractps	$3, %xmm0, (%rax,%rcx,4)
   76d:	kshiftrb	$4, %k0, %k1
   773:	vextracti128	$1, %ymm1, %xmm1
   779:	kmovd	%k1, %eax
   77d:	testb	$1, %al
   77f:	je	41
   781:	movq	16(%rbx), %rax
   785:	vmovd	%xmm1, %ecx
   789:	movl	264(%rax), %edx
   78f:	sarl	$2, %edx
   792:	cmpl	%edx, %ecx
   794:	jae	20
   796:	movq	256(%rax), %rax
   79d:	vextractf128	$1, %ymm0, %xmm2
   7a3:	movl	%ecx, %ecx
   7a5:	vmovss	%xmm2, (%rax,%rcx,4)
   7aa:	kshiftrb	$5, %k0, %k1
   7b0:	kmovd	%k1, %eax
   7b4:	testb	$1, %al
   7b6:	je	45
   7b8:	movq	16(%rbx), %rax
   7bc:	vpextrd	$1, %xmm1, %ecx
   7c2:	movl	264(%rax), %edx
   7c8:	sarl	$2, %edx
   7cb:	cmpl	%edx, %ecx
   7cd:	jae	22
   7cf:	movq	256(%rax), %rax
   7d6:	vextractf128	$1, %ymm0, %xmm2
   7dc:	movl	%ecx, %ecx
   7de:	vextractps	$1, %xmm2, (%rax,%rcx,4)
   7e5:	kshiftrb	$6, %k0, %k1
   7eb:	kmovd	%k1, %eax
   7ef:	testb	$1, %al
   7f1:	je	45
   7f3:	movq	16(%rbx), %rax
   7f7:	vpextrd	$2, %xmm1, %ecx
   7fd:	movl	264(%rax), %edx
   803:	sarl	$2, %edx
   806:	cmpl	%edx, %ecx
   808:	jae	22
   80a:	movq	256(%rax), %rax
   811:	vextractf128	$1, %ymm0, %xmm2
   817:	movl	%ecx, %ecx
   819:	vextractps	$2, %xmm2, (%rax,%rcx,4)
   820:	kshiftrb	$7, %k0, %k0
   826:	kmovd	%k0, %eax
   82a:	testb	$1, %al
   82c:	je	45
   82e:	movq	16(%rbx), %rax
   832:	vpextrd	$3, %xmm1, %ecx
   838:	movl	264(%rax), %edx
   83e:	sarl	$2, %edx
   841:	cmpl	%edx, %ecx
   843:	jae	22
   845:	movq	256(%rax), %rax
   84c:	vextractf128	$1, %ymm0, %xmm0
   852:	movl	%ecx, %ecx
   854:	vextractps	$3, %xmm0, (%rax,%rcx,4)
   85b:	movq	$0, (%rsi)
   862:	movq	%rsi, %rax
   865:	addq	$56, %rsp
   869:	popq	%rbx
   86a:	popq	%r12
   86c:	popq	%r13
   86e:	popq	%r14
   870:	popq	%r15
   872:	popq	%rbp
   873:	vzeroupper
   876:	retq



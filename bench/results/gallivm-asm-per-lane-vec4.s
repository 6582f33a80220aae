cs_co_variant:
     0:	pushq	%rbp
     1:	pushq	%r15
     3:	pushq	%r14
     5:	pushq	%r13
     7:	pushq	%r12
     9:	pushq	%rbx
     a:	subq	$40, %rsp
     e:	movq	216(%rsp), %r15
    16:	movl	208(%rsp), %r12d
    1e:	movl	192(%rsp), %r9d
    26:	movl	184(%rsp), %r13d
    2e:	movl	176(%rsp), %r14d
    36:	movl	168(%rsp), %eax
    3d:	movq	%rsi, %rbx
    40:	cmpq	$0, (%r15)
    44:	jne	31
    46:	leal	(,%rax,8), %eax
    4d:	movl	%r9d, %ebp
    50:	leal	(%rax,%rax,2), %edi
    53:	movabsq	$139931651053104, %rax
    5d:	callq	*%rax
    5f:	movl	%ebp, %r9d
    62:	movq	%rax, (%r15)
    65:	leal	(,%r12,8), %ebp
    6d:	movq	(%r15), %rcx
    70:	vpbroadcastd	%r9d, %ymm5
    76:	leal	(%rbp,%rbp,2), %eax
    7a:	movslq	%eax, %rdx
    7d:	movabsq	$139931684490640, %rax
    87:	movq	%rax, (%rcx,%rdx)
    8b:	movabsq	$139931684490640, %rax
    95:	movq	%rcx, 32(%rsp)
    9a:	movq	%rdx, 24(%rsp)
    9f:	movq	%rax, 8(%rcx,%rdx)
    a4:	leal	5(,%r12,8), %eax
    ac:	xorl	%edx, %edx
    ae:	divl	%r13d
    b1:	movl	%edx, %r11d
    b4:	xorl	%edx, %edx
    b6:	movl	%eax, %r8d
    b9:	leal	4(,%r12,8), %eax
    c1:	divl	%r13d
    c4:	movl	%edx, %r10d
    c7:	xorl	%edx, %edx
    c9:	movl	%eax, %edi
    cb:	leal	6(,%r12,8), %eax
    d3:	vmovd	%edi, %xmm0
    d7:	vpinsrd	$1, %r8d, %xmm0, %xmm0
    dd:	divl	%r13d
    e0:	movl	%edx, %r15d
    e3:	xorl	%edx, %edx
    e5:	movl	%eax, %ecx
    e7:	leal	7(,%r12,8), %eax
    ef:	vpinsrd	$2, %ecx, %xmm0, %xmm0
    f5:	divl	%r13d
    f8:	movl	%edx, 20(%rsp)
    fc:	xorl	%edx, %edx
    fe:	movl	%eax, %esi
   100:	movl	%ebp, %eax
   102:	divl	%r13d
   105:	vpinsrd	$3, %esi, %xmm0, %xmm0
   10b:	movl	%edx, 16(%rsp)
   10f:	xorl	%edx, %edx
   111:	movl	%eax, %ebp
   113:	leal	1(,%r12,8), %eax
   11b:	vmovd	%ebp, %xmm1
   11f:	divl	%r13d
   122:	movl	%edx, 12(%rsp)
   126:	xorl	%edx, %edx
   128:	movl	%eax, %edi
   12a:	leal	2(,%r12,8), %eax
   132:	vpinsrd	$1, %edi, %xmm1, %xmm1
   138:	divl	%r13d
   13b:	movl	%edx, 8(%rsp)
   13f:	xorl	%edx, %edx
   141:	movl	%eax, %ecx
   143:	leal	3(,%r12,8), %eax
   14b:	vpinsrd	$2, %ecx, %xmm1, %xmm1
   151:	divl	%r13d
   154:	movl	%edx, 4(%rsp)
   158:	xorl	%edx, %edx
   15a:	vpinsrd	$3, %eax, %xmm1, %xmm1
   160:	vinserti128	$1, %xmm0, %ymm1, %ymm1
   166:	vmovd	%r10d, %xmm0
   16b:	vpinsrd	$1, %r11d, %xmm0, %xmm0
   171:	vpextrd	$3, %xmm1, %eax
   177:	vextracti128	$1, %ymm1, %xmm3
   17d:	vpinsrd	$2, %r15d, %xmm0, %xmm0
   183:	divl	%r9d
   186:	vpextrd	$2, %xmm1, %eax
   18c:	movl	%edx, (%rsp)
   18f:	xorl	%edx, %edx
   191:	divl	%r9d
   194:	vpextrd	$1, %xmm1, %eax
   19a:	vpextrd	$3, %xmm3, %r11d
   1a0:	vpextrd	$2, %xmm3, %ebp
   1a6:	vpextrd	$1, %xmm3, %ecx
   1ac:	vmovd	%xmm3, %edi
   1b0:	movl	%edx, %r8d
   1b3:	xorl	%edx, %edx
   1b5:	divl	%r9d
   1b8:	vmovd	%xmm1, %eax
   1bc:	movl	%edx, %esi
   1be:	xorl	%edx, %edx
   1c0:	divl	%r9d
   1c3:	movl	%r11d, %eax
   1c6:	movl	%edx, %r10d
   1c9:	xorl	%edx, %edx
   1cb:	divl	%r9d
   1ce:	vmovd	16(%rsp), %xmm2
   1d4:	vpinsrd	$3, 20(%rsp), %xmm0, %xmm0
   1dc:	movl	%ebp, %eax
   1de:	vmovd	%r10d, %xmm6
   1e3:	movl	%edx, %r15d
   1e6:	xorl	%edx, %edx
   1e8:	divl	%r9d
   1eb:	movl	%ecx, %eax
   1ed:	vpinsrd	$1, %esi, %xmm6, %xmm6
   1f3:	movl	%edx, %r12d
   1f6:	xorl	%edx, %edx
   1f8:	vpinsrd	$2, %r8d, %xmm6, %xmm6
   1fe:	vpinsrd	$1, 12(%rsp), %xmm2, %xmm4
   206:	divl	%r9d
   209:	vpbroadcastd	%r13d, %ymm2
   20f:	movl	%edi, %eax
   211:	movl	%edx, %r13d
   214:	xorl	%edx, %edx
   216:	vpinsrd	$2, 8(%rsp), %xmm4, %xmm4
   21e:	vpinsrd	$3, 4(%rsp), %xmm4, %xmm3
   226:	divl	%r9d
   229:	vpinsrd	$3, (%rsp), %xmm6, %xmm6
   230:	vmovd	%edx, %xmm4
   234:	vpinsrd	$1, %r13d, %xmm4, %xmm4
   23a:	vpinsrd	$2, %r12d, %xmm4, %xmm4
   240:	vpinsrd	$3, %r15d, %xmm4, %xmm4
   246:	vinserti128	$1, %xmm0, %ymm3, %ymm3
   24c:	vinserti128	$1, %xmm4, %ymm6, %ymm4
   252:	testl	%r14d, %r14d
   255:	je	87
   257:	movl	168(%rsp), %eax
   25e:	movl	208(%rsp), %edx
   265:	vpcmpeqd	%ymm15, %ymm15, %ymm15
   26a:	decl	%eax
   26c:	cmpl	%edx, %eax
   26e:	jne	67
   270:	movabsq	$139931684483072, %rax
   27a:	vpcmpeqd	%ymm15, %ymm15, %ymm15
   27f:	vmovdqa	(%rax), %ymm6
   283:	nopw	%cs:(%rax,%rax)
   290:	vpbroadcastd	%r14d, %ymm7
   296:	incl	%r14d
   299:	vpcmpneqd	%ymm6, %ymm7, %k1
   2a0:	vmovdqa32	%ymm15, %ymm15 {%k1} {z}
   2a6:	cmpl	$8, %r14d
   2aa:	jb	-28
   2ac:	jmp	5
   2ae:	vpcmpeqd	%ymm15, %ymm15, %ymm15
   2b3:	vextracti128	$1, %ymm5, %xmm6
   2b9:	movl	%ecx, %eax
   2bb:	xorl	%edx, %edx
   2bd:	vpcmpeqd	%ymm9, %ymm9, %ymm9
   2c2:	vpxor	%xmm11, %xmm11, %xmm11
   2c7:	vpcmpeqd	%ymm12, %ymm12, %ymm12
   2cc:	vpcmpeqd	%ymm13, %ymm13, %ymm13
   2d1:	vpcmpeqd	%ymm14, %ymm14, %ymm14
   2d6:	vpextrd	$1, %xmm6, %esi
   2dc:	divl	%esi
   2de:	vmovd	%xmm6, %esi
   2e2:	movl	%edi, %eax
   2e4:	movl	%edx, %ecx
   2e6:	xorl	%edx, %edx
   2e8:	divl	%esi
   2ea:	movl	%ebp, %eax
   2ec:	vmovd	%xmm5, %esi
   2f0:	vmovd	%edx, %xmm7
   2f4:	xorl	%edx, %edx
   2f6:	vpinsrd	$1, %ecx, %xmm7, %xmm7
   2fc:	vpextrd	$2, %xmm6, %ecx
   302:	divl	%ecx
   304:	vpextrd	$3, %xmm6, %ecx
   30a:	movl	%r11d, %eax
   30d:	vpinsrd	$2, %edx, %xmm7, %xmm7
   313:	xorl	%edx, %edx
   315:	divl	%ecx
   317:	vpextrd	$1, %xmm1, %eax
   31d:	vpextrd	$1, %xmm5, %ecx
   323:	vpinsrd	$3, %edx, %xmm7, %xmm6
   329:	xorl	%edx, %edx
   32b:	divl	%ecx
   32d:	vmovd	%xmm1, %eax
   331:	movl	%edx, %ecx
   333:	xorl	%edx, %edx
   335:	divl	%esi
   337:	vpextrd	$2, %xmm1, %eax
   33d:	vmovd	%edx, %xmm7
   341:	xorl	%edx, %edx
   343:	vpinsrd	$1, %ecx, %xmm7, %xmm7
   349:	vpextrd	$2, %xmm5, %ecx
   34f:	divl	%ecx
   351:	vpextrd	$3, %xmm1, %eax
   357:	vpextrd	$3, %xmm5, %ecx
   35d:	vpinsrd	$2, %edx, %xmm7, %xmm7
   363:	xorl	%edx, %edx
   365:	divl	%ecx
   367:	movq	16(%rbx), %rax
   36b:	movabsq	$139931684483104, %rcx
   375:	movq	32(%rsp), %rdi
   37a:	vpinsrd	$3, %edx, %xmm7, %xmm5
   380:	movabsq	$139931684483120, %rdx
   38a:	addq	24(%rsp), %rdi
   38f:	vinserti128	$1, %xmm6, %ymm5, %ymm5
   395:	vpsubd	%ymm5, %ymm1, %ymm1
   399:	vpxor	%xmm5, %xmm5, %xmm5
   39d:	vpaddd	%ymm4, %ymm1, %ymm1
   3a1:	vpmulld	%ymm2, %ymm1, %ymm1
   3a6:	vpaddd	%ymm3, %ymm1, %ymm17
   3ac:	vmovd	264(%rax), %xmm1
   3b4:	movabsq	$139931684483108, %rax
   3be:	vpsrlvd	(%rdx), %xmm1, %xmm1
   3c3:	vbroadcastss	(%rax), %ymm7
   3c8:	vcvtudq2ps	%ymm17, %ymm2
   3ce:	vpminud	(%rcx){1to4}, %xmm1, %xmm1
   3d4:	vmovaps	%ymm2, %ymm6
   3d8:	vmovaps	%ymm2, %ymm8
   3dc:	vmovaps	%ymm2, %ymm10
   3e0:	vpbroadcastd	%xmm1, %ymm16
   3e6:	jmp	133
   3eb:	nopl	(%rax,%rax)
   3f0:	vpblendd	$128, %ymm5, %ymm4, %ymm4
   3f6:	vmulps	%ymm1, %ymm10, %ymm0
   3fa:	vmulps	%ymm15, %ymm8, %ymm1
   3ff:	vmulps	%ymm3, %ymm6, %ymm3
   403:	vmulps	%ymm4, %ymm2, %ymm4
   407:	kortestb	%k0, %k0
   40b:	vmovdqa64	%ymm19, %ymm15
   411:	vaddps	%ymm7, %ymm1, %ymm1
   415:	vaddps	%ymm7, %ymm3, %ymm3
   419:	vaddps	%ymm7, %ymm0, %ymm0
   41d:	vaddps	%ymm7, %ymm4, %ymm4
   421:	vblendvps	%ymm9, %ymm1, %ymm8, %ymm8
   427:	vpcmpeqd	%ymm5, %ymm13, %ymm1
   42b:	vblendvps	%ymm9, %ymm3, %ymm6, %ymm6
   431:	vpcmpeqd	%ymm3, %ymm3, %ymm3
   435:	vblendvps	%ymm9, %ymm0, %ymm10, %ymm10
   43b:	vblendvps	%ymm9, %ymm4, %ymm2, %ymm2
   441:	vpaddd	%ymm3, %ymm13, %ymm0
   445:	vpaddd	%ymm1, %ymm12, %ymm1
   449:	vpsubd	%ymm3, %ymm11, %ymm3
   44d:	vblendvps	%ymm9, %ymm0, %ymm13, %ymm13
   453:	vpmaxud	%ymm1, %ymm0, %ymm0
   458:	vblendvps	%ymm9, %ymm1, %ymm12, %ymm12
   45e:	vblendvps	%ymm9, %ymm3, %ymm11, %ymm11
   464:	vblendvps	%ymm9, %ymm0, %ymm14, %ymm14
   46a:	je	1509
   470:	vpslld	$3, %ymm11, %ymm1
   476:	vptestnmd	%ymm14, %ymm14, %k0
   47c:	vpcmpnltud	%ymm16, %ymm11, %k1
   483:	vmovdqa64	%ymm15, %ymm19
   489:	vpxor	%xmm3, %xmm3, %xmm3
   48d:	vpxor	%xmm4, %xmm4, %xmm4
   491:	korb	%k1, %k0, %k0
   495:	vpaddd	%ymm17, %ymm1, %ymm1
   49b:	knotb	%k0, %k1
   49f:	vpslld	$4, %ymm1, %ymm1
   4a4:	vmovdqa32	%ymm9, %ymm9 {%k1} {z}
   4aa:	vpsrad	$2, %ymm1, %ymm18
   4b1:	vpand	%ymm15, %ymm9, %ymm1
   4b6:	vpxor	%xmm15, %xmm15, %xmm15
   4bb:	vptestmd	%ymm1, %ymm1, %k0
   4c1:	vpxor	%xmm1, %xmm1, %xmm1
   4c5:	kmovd	%k0, %eax
   4c9:	testb	$1, %al
   4cb:	je	97
   4cd:	movq	16(%rbx), %rax
   4d1:	vmovd	%xmm18, %edx
   4d7:	vpxor	%xmm15, %xmm15, %xmm15
   4dc:	vpxor	%xmm1, %xmm1, %xmm1
   4e0:	movl	8(%rax), %ecx
   4e3:	movq	(%rax), %rax
   4e6:	sarl	$2, %ecx
   4e9:	cmpl	%ecx, %edx
   4eb:	jae	8
   4ed:	movslq	%edx, %rsi
   4f0:	vmovd	(%rax,%rsi,4), %xmm1
   4f5:	movl	%edx, %esi
   4f7:	orl	$1, %esi
   4fa:	cmpl	%ecx, %esi
   4fc:	jae	8
   4fe:	movslq	%esi, %rsi
   501:	vmovd	(%rax,%rsi,4), %xmm15
   506:	movl	%edx, %esi
   508:	orl	$2, %esi
   50b:	vpxor	%xmm4, %xmm4, %xmm4
   50f:	vpxor	%xmm3, %xmm3, %xmm3
   513:	cmpl	%ecx, %esi
   515:	jae	8
   517:	movslq	%esi, %rsi
   51a:	vmovd	(%rax,%rsi,4), %xmm3
   51f:	orl	$3, %edx
   522:	cmpl	%ecx, %edx
   524:	jae	8
   526:	movslq	%edx, %rcx
   529:	vmovd	(%rax,%rcx,4), %xmm4
   52e:	kshiftrb	$1, %k0, %k1
   534:	kmovd	%k1, %eax
   538:	testb	$1, %al
   53a:	je	182
   540:	movq	16(%rbx), %rax
   544:	vpextrd	$1, %xmm18, %edx
   54b:	movl	8(%rax), %ecx
   54e:	movq	(%rax), %rax
   551:	sarl	$2, %ecx
   554:	cmpl	%ecx, %edx
   556:	jae	24
   558:	movslq	%edx, %rsi
   55b:	vpinsrd	$1, (%rax,%rsi,4), %xmm1, %xmm0
   562:	vpblendd	$15, %ymm0, %ymm1, %ymm1
   568:	jmp	12
   56a:	nopw	(%rax,%rax)
   570:	vpblendd	$2, %ymm5, %ymm1, %ymm1
   576:	movl	%edx, %esi
   578:	orl	$1, %esi
   57b:	cmpl	%ecx, %esi
   57d:	jae	33
   57f:	movslq	%esi, %rsi
   582:	vpinsrd	$1, (%rax,%rsi,4), %xmm15, %xmm0
   589:	vpblendd	$15, %ymm0, %ymm15, %ymm15
   58f:	jmp	21
   591:	nopw	%cs:(%rax,%rax)
   5a0:	vpblendd	$2, %ymm5, %ymm15, %ymm15
   5a6:	movl	%edx, %esi
   5a8:	orl	$2, %esi
   5ab:	cmpl	%ecx, %esi
   5ad:	jae	33
   5af:	movslq	%esi, %rsi
   5b2:	vpinsrd	$1, (%rax,%rsi,4), %xmm3, %xmm0
   5b9:	vpblendd	$15, %ymm0, %ymm3, %ymm3
   5bf:	jmp	21
   5c1:	nopw	%cs:(%rax,%rax)
   5d0:	vpblendd	$2, %ymm5, %ymm3, %ymm3
   5d6:	orl	$3, %edx
   5d9:	cmpl	%ecx, %edx
   5db:	jae	19
   5dd:	movslq	%edx, %rcx
   5e0:	vpinsrd	$1, (%rax,%rcx,4), %xmm4, %xmm0
   5e7:	vpblendd	$15, %ymm0, %ymm4, %ymm4
   5ed:	jmp	7
   5ef:	nop
   5f0:	vpblendd	$2, %ymm5, %ymm4, %ymm4
   5f6:	kshiftrb	$2, %k0, %k1
   5fc:	kmovd	%k1, %eax
   600:	testb	$1, %al
   602:	je	190
   608:	movq	16(%rbx), %rax
   60c:	vpextrd	$2, %xmm18, %edx
   613:	movl	8(%rax), %ecx
   616:	movq	(%rax), %rax
   619:	sarl	$2, %ecx
   61c:	cmpl	%ecx, %edx
   61e:	jae	32
   620:	movslq	%edx, %rsi
   623:	vpinsrd	$2, (%rax,%rsi,4), %xmm1, %xmm0
   62a:	vpblendd	$15, %ymm0, %ymm1, %ymm1
   630:	jmp	20
   632:	nopw	%cs:(%rax,%rax)
   640:	vpblendd	$4, %ymm5, %ymm1, %ymm1
   646:	movl	%edx, %esi
   648:	orl	$1, %esi
   64b:	cmpl	%ecx, %esi
   64d:	jae	33
   64f:	movslq	%esi, %rsi
   652:	vpinsrd	$2, (%rax,%rsi,4), %xmm15, %xmm0
   659:	vpblendd	$15, %ymm0, %ymm15, %ymm15
   65f:	jmp	21
   661:	nopw	%cs:(%rax,%rax)
   670:	vpblendd	$4, %ymm5, %ymm15, %ymm15
   676:	movl	%edx, %esi
   678:	orl	$2, %esi
   67b:	cmpl	%ecx, %esi
   67d:	jae	33
   67f:	movslq	%esi, %rsi
   682:	vpinsrd	$2, (%rax,%rsi,4), %xmm3, %xmm0
   689:	vpblendd	$15, %ymm0, %ymm3, %ymm3
   68f:	jmp	21
   691:	nopw	%cs:(%rax,%rax)
   6a0:	vpblendd	$4, %ymm5, %ymm3, %ymm3
   6a6:	orl	$3, %edx
   6a9:	cmpl	%ecx, %edx
   6ab:	jae	19
   6ad:	movslq	%edx, %rcx
   6b0:	vpinsrd	$2, (%rax,%rcx,4), %xmm4, %xmm0
   6b7:	vpblendd	$15, %ymm0, %ymm4, %ymm4
   6bd:	jmp	7
   6bf:	nop
   6c0:	vpblendd	$4, %ymm5, %ymm4, %ymm4
   6c6:	kshiftrb	$3, %k0, %k1
   6cc:	kmovd	%k1, %eax
   6d0:	testb	$1, %al
   6d2:	je	190
   6d8:	movq	16(%rbx), %rax
   6dc:	vpextrd	$3, %xmm18, %edx
   6e3:	movl	8(%rax), %ecx
   6e6:	movq	(%rax), %rax
   6e9:	sarl	$2, %ecx
   6ec:	cmpl	%ecx, %edx
   6ee:	jae	32
   6f0:	movslq	%edx, %rsi
   6f3:	vpinsrd	$3, (%rax,%rsi,4), %xmm1, %xmm0
   6fa:	vpblendd	$15, %ymm0, %ymm1, %ymm1
   700:	jmp	20
   702:	nopw	%cs:(%rax,%rax)
   710:	vpblendd	$8, %ymm5, %ymm1, %ymm1
   716:	movl	%edx, %esi
   718:	orl	$1, %esi
   71b:	cmpl	%ecx, %esi
   71d:	jae	33
   71f:	movslq	%esi, %rsi
   722:	vpinsrd	$3, (%rax,%rsi,4), %xmm15, %xmm0
   729:	vpblendd	$15, %ymm0, %ymm15, %ymm15
   72f:	jmp	21
   731:	nopw	%cs:(%rax,%rax)
   740:	vpblendd	$8, %ymm5, %ymm15, %ymm15
   746:	movl	%edx, %esi
   748:	orl	$2, %esi
   74b:	cmpl	%ecx, %esi
   74d:	jae	33
   74f:	movslq	%esi, %rsi
   752:	vpinsrd	$3, (%rax,%rsi,4), %xmm3, %xmm0
   759:	vpblendd	$15, %ymm0, %ymm3, %ymm3
   75f:	jmp	21
   761:	nopw	%cs:(%rax,%rax)
   770:	vpblendd	$8, %ymm5, %ymm3, %ymm3
   776:	orl	$3, %edx
   779:	cmpl	%ecx, %edx
   77b:	jae	19
   77d:	movslq	%edx, %rcx
   780:	vpinsrd	$3, (%rax,%rcx,4), %xmm4, %xmm0
   787:	vpblendd	$15, %ymm0, %ymm4, %ymm4
   78d:	jmp	7
   78f:	nop
   790:	vpblendd	$8, %ymm5, %ymm4, %ymm4
   796:	kshiftrb	$4, %k0, %k1
   79c:	kmovd	%k1, %eax
   7a0:	testb	$1, %al
   7a2:	je	158
   7a8:	movq	16(%rbx), %rax
   7ac:	vextracti32x4	$1, %ymm18, %xmm0
   7b3:	vmovd	%xmm0, %edx
   7b7:	movl	8(%rax), %ecx
   7ba:	movq	(%rax), %rax
   7bd:	sarl	$2, %ecx
   7c0:	cmpl	%ecx, %edx
   7c2:	jae	28
   7c4:	movslq	%edx, %rsi
   7c7:	vpbroadcastd	(%rax,%rsi,4), %ymm0
   7cd:	vpblendd	$16, %ymm0, %ymm1, %ymm1
   7d3:	jmp	17
   7d5:	nopw	%cs:(%rax,%rax)
   7e0:	vpblendd	$16, %ymm5, %ymm1, %ymm1
   7e6:	movl	%edx, %esi
   7e8:	orl	$1, %esi
   7eb:	cmpl	%ecx, %esi
   7ed:	jae	17
   7ef:	movslq	%esi, %rsi
   7f2:	vpbroadcastd	(%rax,%rsi,4), %ymm0
   7f8:	vpblendd	$16, %ymm0, %ymm15, %ymm15
   7fe:	jmp	6
   800:	vpblendd	$16, %ymm5, %ymm15, %ymm15
   806:	movl	%edx, %esi
   808:	orl	$2, %esi
   80b:	cmpl	%ecx, %esi
   80d:	jae	17
   80f:	movslq	%esi, %rsi
   812:	vpbroadcastd	(%rax,%rsi,4), %ymm0
   818:	vpblendd	$16, %ymm0, %ymm3, %ymm3
   81e:	jmp	6
   820:	vpblendd	$16, %ymm5, %ymm3, %ymm3
   826:	orl	$3, %edx
   829:	cmpl	%ecx, %edx
   82b:	jae	19
   82d:	movslq	%edx, %rcx
   830:	vpbroadcastd	(%rax,%rcx,4), %ymm0
   836:	vpblendd	$16, %ymm0, %ymm4, %ymm4
   83c:	jmp	8
   83e:	nop
   840:	vpblendd	$16, %ymm5, %ymm4, %ymm4
   846:	kshiftrb	$5, %k0, %k1
   84c:	kmovd	%k1, %eax
   850:	testb	$1, %al
   852:	je	158
   858:	movq	16(%rbx), %rax
   85c:	vextracti32x4	$1, %ymm18, %xmm0
   863:	vpextrd	$1, %xmm0, %edx
   869:	movl	8(%rax), %ecx
   86c:	movq	(%rax), %rax
   86f:	sarl	$2, %ecx
   872:	cmpl	%ecx, %edx
   874:	jae	26
   876:	movslq	%edx, %rsi
   879:	vpbroadcastd	(%rax,%rsi,4), %ymm0
   87f:	vpblendd	$32, %ymm0, %ymm1, %ymm1
   885:	jmp	15
   887:	nopw	(%rax,%rax)
   890:	vpblendd	$32, %ymm5, %ymm1, %ymm1
   896:	movl	%edx, %esi
   898:	orl	$1, %esi
   89b:	cmpl	%ecx, %esi
   89d:	jae	17
   89f:	movslq	%esi, %rsi
   8a2:	vpbroadcastd	(%rax,%rsi,4), %ymm0
   8a8:	vpblendd	$32, %ymm0, %ymm15, %ymm15
   8ae:	jmp	6
   8b0:	vpblendd	$32, %ymm5, %ymm15, %ymm15
   8b6:	movl	%edx, %esi
   8b8:	orl	$2, %esi
   8bb:	cmpl	%ecx, %esi
   8bd:	jae	17
   8bf:	movslq	%esi, %rsi
   8c2:	vpbroadcastd	(%rax,%rsi,4), %ymm0
   8c8:	vpblendd	$32, %ymm0, %ymm3, %ymm3
   8ce:	jmp	6
   8d0:	vpblendd	$32, %ymm5, %ymm3, %ymm3
   8d6:	orl	$3, %edx
   8d9:	cmpl	%ecx, %edx
   8db:	jae	19
   8dd:	movslq	%edx, %rcx
   8e0:	vpbroadcastd	(%rax,%rcx,4), %ymm0
   8e6:	vpblendd	$32, %ymm0, %ymm4, %ymm4
   8ec:	jmp	8
   8ee:	nop
   8f0:	vpblendd	$32, %ymm5, %ymm4, %ymm4
   8f6:	kshiftrb	$6, %k0, %k1
   8fc:	kmovd	%k1, %eax
   900:	testb	$1, %al
   902:	je	158
   908:	movq	16(%rbx), %rax
   90c:	vextracti32x4	$1, %ymm18, %xmm0
   913:	vpextrd	$2, %xmm0, %edx
   919:	movl	8(%rax), %ecx
   91c:	movq	(%rax), %rax
   91f:	sarl	$2, %ecx
   922:	cmpl	%ecx, %edx
   924:	jae	26
   926:	movslq	%edx, %rsi
   929:	vpbroadcastd	(%rax,%rsi,4), %ymm0
   92f:	vpblendd	$64, %ymm0, %ymm1, %ymm1
   935:	jmp	15
   937:	nopw	(%rax,%rax)
   940:	vpblendd	$64, %ymm5, %ymm1, %ymm1
   946:	movl	%edx, %esi
   948:	orl	$1, %esi
   94b:	cmpl	%ecx, %esi
   94d:	jae	17
   94f:	movslq	%esi, %rsi
   952:	vpbroadcastd	(%rax,%rsi,4), %ymm0
   958:	vpblendd	$64, %ymm0, %ymm15, %ymm15
   95e:	jmp	6
   960:	vpblendd	$64, %ymm5, %ymm15, %ymm15
   966:	movl	%edx, %esi
   968:	orl	$2, %esi
   96b:	cmpl	%ecx, %esi
   96d:	jae	17
   96f:	movslq	%esi, %rsi
   972:	vpbroadcastd	(%rax,%rsi,4), %ymm0
   978:	vpblendd	$64, %ymm0, %ymm3, %ymm3
   97e:	jmp	6
   980:	vpblendd	$64, %ymm5, %ymm3, %ymm3
   986:	orl	$3, %edx
   989:	cmpl	%ecx, %edx
   98b:	jae	19
   98d:	movslq	%edx, %rcx
   990:	vpbroadcastd	(%rax,%rcx,4), %ymm0
   996:	vpblendd	$64, %ymm0, %ymm4, %ymm4
   99c:	jmp	8
   99e:	nop
   9a0:	vpblendd	$64, %ymm5, %ymm4, %ymm4
   9a6:	kshiftrb	$7, %k0, %k1
   9ac:	kmovd	%k1, %eax
   9b0:	testb	$1, %al
   9b2:	je	-1474
   9b8:	movq	16(%rbx), %rax
   9bc:	vextracti32x4	$1, %ymm18, %xmm0
   9c3:	vpextrd	$3, %xmm0, %edx
   9c9:	movl	8(%rax), %ecx
   9cc:	movq	(%rax), %rax
   9cf:	sarl	$2, %ecx
   9d2:	cmpl	%ecx, %edx
   9d4:	jae	26
   9d6:	movslq	%edx, %rsi
   9d9:	vpbroadcastd	(%rax,%rsi,4), %ymm0
   9df:	vpblendd	$128, %ymm0, %ymm1, %ymm1
   9e5:	jmp	15
   9e7:	nopw	(%rax,%rax)
   9f0:	vpblendd	$128, %ymm5, %ymm1, %ymm1
   9f6:	movl	%edx, %esi
   9f8:	orl	$1, %esi
   9fb:	cmpl	%ecx, %esi
   9fd:	jae	17
   9ff:	movslq	%esi, %rsi
   a02:	vpbroadcastd	(%rax,%rsi,4), %ymm0
   a08:	vpblendd	$128, %ymm0, %ymm15, %ymm15
   a0e:	jmp	6
   a10:	vpblendd	$128, %ymm5, %ymm15, %ymm15
   a16:	movl	%edx, %esi
   a18:	orl	$2, %esi
   a1b:	cmpl	%ecx, %esi
   a1d:	jae	17
   a1f:	movslq	%esi, %rsi
   a22:	vpbroadcastd	(%rax,%rsi,4), %ymm0
   a28:	vpblendd	$128, %ymm0, %ymm3, %ymm3
   a2e:	jmp	6
   a30:	vpblendd	$128, %ymm5, %ymm3, %ymm3
   a36:	orl	$3, %edx
   a39:	cmpl	%ecx, %edx
   a3b:	jae	-1617
   a41:	movslq	%edx, %rcx
   a44:	vpbroadcastd	(%rax,%rcx,4), %ymm0
   a4a:	vpblendd	$128, %ymm0, %ymm4, %ymm4
   a50:	jmp	-1631
   a55:	vaddps	%ymm8, %ymm10, %ymm0
   a5a:	movabsq	$139931684483112, %rax
   a64:	vptestmd	%ymm15, %ymm15, %k0
   a6a:	vpandd	(%rax){1to8}, %ymm17, %ymm3
   a70:	kmovd	%k0, %eax
   a74:	vaddps	%ymm6, %ymm0, %ymm0
   a78:	vaddps	%ymm2, %ymm0, %ymm1
   a7c:	testb	$1, %al
   a7e:	je	37
   a80:	movq	16(%rbx), %rax
   a84:	vmovd	%xmm3, %ecx
   a88:	movl	264(%rax), %edx
   a8e:	sarl	$2, %edx
   a91:	cmpl	%edx, %ecx
   a93:	jae	16
   a95:	movq	256(%rax), %rax
   a9c:	movl	%ecx, %ecx
   a9e:	vextractps	$0, %xmm1, (%rax,%rcx,4)
   aa5:	kshiftrb	$1, %k0, %k1
   aab:	kmovd	%k1, %eax
   aaf:	testb	$1, %al
   ab1:	je	39
   ab3:	movq	16(%rbx), %rax
   ab7:	vpextrd	$1, %xmm3, %ecx
   abd:	movl	264(%rax), %edx
   ac3:	sarl	$2, %edx
   ac6:	cmpl	%edx, %ecx
   ac8:	jae	16
   aca:	movq	256(%rax), %rax
   ad1:	movl	%ecx, %ecx
   ad3:	vextractps	$1, %xmm1, (%rax,%rcx,4)
   ada:	kshiftrb	$2, %k0, %k1
   ae0:	kmovd	%k1, %eax
   ae4:	testb	$1, %al
   ae6:	je	39
   ae8:	movq	16(%rbx), %rax
   aec:	vpextrd	$2, %xmm3, %ecx
   af2:	movl	264(%rax), %edx
   af8:	sarl	$2, %edx
   afb:	cmpl	%edx, %ecx
   afd:	jae	16
   aff:	movq	256(%rax), %rax
   b06:	movl	%ecx, %ecx
   b08:	vextractps	$2, %xmm1, (%rax,%rcx,4)
   b0f:	kshiftrb	$3, %k0, %k1
   b15:	kmovd	%k1, %eax
   b19:	testb	$1, %al
   b1b:	je	39
   b1d:	movq	16(%rbx), %rax
   b21:	vpextrd	$3, %xmm3, %ecx
   b27:	movl	264(%rax), %edx
   b2d:	sarl	$2, %edx
   b30:	cmpl	%edx, %ecx
   b32:	jae	16
   b34:	movq	256(%rax), %rax
   b3b:	movl	%ecx, %ecx
   b3d:	vextractps	$3, %xmm1, (%rax,%rcx,4)
   b44:	kshiftrb	$4, %k0, %k1
   b4a:	vextracti128	$1, %ymm3, %xmm0
   b50:	kmovd	%k1, %eax
   b54:	testb	$1, %al
   b56:	je	43
   b58:	movq	16(%rbx), %rax
   b5c:	vmovd	%xmm0, %ecx
   b60:	movl	264(%rax), %edx
   b66:	sarl	$2, %edx
   b69:	cmpl	%edx, %ecx
   b6b:	jae	22
   b6d:	movq	256(%rax), %rax
   b74:	vextracti128	$1, %ymm1, %xmm2
   b7a:	movl	%ecx, %ecx
   b7c:	vextractps	$0, %xmm2, (%rax,%rcx,4)
   b83:	kshiftrb	$5, %k0, %k1
   b89:	kmovd	%k1, %eax
   b8d:	testb	$1, %al
   b8f:	je	45
   b91:	movq	16(%rbx), %rax
   b95:	vpextrd	$1, %xmm0, %ecx
   b9b:	movl	264(%rax), %edx
   ba1:	sarl	$2, %edx
   ba4:	cmpl	%edx, %ecx
   ba6:	jae	22
   ba8:	movq	256(%rax), %rax
   baf:	vextracti128	$1, %ymm1, %xmm2
   bb5:	movl	%ecx, %ecx
   bb7:	vextractps	$1, %xmm2, (%rax,%rcx,4)
   bbe:	kshiftrb	$6, %k0, %k1
   bc4:	kmovd	%k1, %eax
   bc8:	testb	$1, %al
   bca:	je	45
   bcc:	movq	16(%rbx), %rax
   bd0:	vpextrd	$2, %xmm0, %ecx
   bd6:	movl	264(%rax), %edx
   bdc:	sarl	$2, %edx
   bdf:	cmpl	%edx, %ecx
   be1:	jae	22
   be3:	movq	256(%rax), %rax
   bea:	vextracti128	$1, %ymm1, %xmm2
   bf0:	movl	%ecx, %ecx
   bf2:	vextractps	$2, %xmm2, (%rax,%rcx,4)
   bf9:	kshiftrb	$7, %k0, %k0
   bff:	kmovd	%k0, %eax
   c03:	testb	$1, %al
   c05:	je	45
   c07:	movq	16(%rbx), %rax
   c0b:	vpextrd	$3, %xmm0, %ecx
   c11:	movl	264(%rax), %edx
   c17:	sarl	$2, %edx
   c1a:	cmpl	%edx, %ecx
   c1c:	jae	22
   c1e:	movq	256(%rax), %rax
   c25:	vextracti128	$1, %ymm1, %xmm0
   c2b:	movl	%ecx, %ecx
   c2d:	vextractps	$3, %xmm0, (%rax,%rcx,4)
   c34:	movq	$0, (%rdi)
   c3b:	movq	%rdi, %rax
   c3e:	addq	$40, %rsp
   c42:	popq	%rbx
   c43:	popq	%r12
   c45:	popq	%r13
   c47:	popq	%r14
   c49:	popq	%r15
   c4b:	popq	%rbp
   c4c:	vzeroupper
   c4f:	retq



cs_co_variant:
     0:	pushq	%rbp
     1:	pushq	%r15
     3:	pushq	%r14
     5:	pushq	%r13
     7:	pushq	%r12
     9:	pushq	%rbx
     a:	subq	$56, %rsp
     e:	movq	232(%rsp), %rbx
    16:	movl	224(%rsp), %r15d
    1e:	movl	208(%rsp), %r13d
    26:	movl	200(%rsp), %r14d
    2e:	movl	192(%rsp), %r12d
    36:	movl	184(%rsp), %eax
    3d:	movq	%rsi, 48(%rsp)
    42:	cmpq	$0, (%rbx)
    46:	jne	25
    48:	leal	(,%rax,8), %eax
    4f:	leal	(%rax,%rax,2), %edi
    52:	movabsq	$139701239060016, %rax
    5c:	callq	*%rax
    5e:	movq	%rax, (%rbx)
    61:	leal	(,%r15,8), %ecx
    69:	movq	(%rbx), %rdx
    6c:	vpbroadcastd	%r14d, %ymm4
    72:	vpcmpeqd	%ymm10, %ymm10, %ymm10
    77:	leal	(%rcx,%rcx,2), %eax
    7a:	movslq	%eax, %rsi
    7d:	movabsq	$139735223175840, %rax
    87:	movq	%rax, (%rdx,%rsi)
    8b:	movabsq	$139735223175840, %rax
    95:	movq	%rdx, (%rsp)
    99:	movq	%rsi, 8(%rsp)
    9e:	movq	%rax, 8(%rdx,%rsi)
    a3:	leal	5(,%r15,8), %eax
    ab:	xorl	%edx, %edx
    ad:	divl	%r14d
    b0:	movl	%edx, %r10d
    b3:	xorl	%edx, %edx
    b5:	movl	%eax, %esi
    b7:	leal	4(,%r15,8), %eax
    bf:	divl	%r14d
    c2:	movl	%edx, %r11d
    c5:	xorl	%edx, %edx
    c7:	movl	%eax, %ebp
    c9:	leal	6(,%r15,8), %eax
    d1:	vmovd	%ebp, %xmm0
    d5:	vpinsrd	$1, %esi, %xmm0, %xmm0
    db:	divl	%r14d
    de:	movl	%edx, 44(%rsp)
    e2:	xorl	%edx, %edx
    e4:	movl	%eax, %ebx
    e6:	leal	7(,%r15,8), %eax
    ee:	vpinsrd	$2, %ebx, %xmm0, %xmm0
    f4:	divl	%r14d
    f7:	movl	%edx, 40(%rsp)
    fb:	xorl	%edx, %edx
    fd:	movl	%eax, %edi
    ff:	movl	%ecx, %eax
   101:	divl	%r14d
   104:	vpinsrd	$3, %edi, %xmm0, %xmm0
   10a:	movl	%edx, 36(%rsp)
   10e:	xorl	%edx, %edx
   110:	movl	%eax, %ecx
   112:	leal	1(,%r15,8), %eax
   11a:	vmovd	%ecx, %xmm1
   11e:	divl	%r14d
   121:	movl	%edx, 32(%rsp)
   125:	xorl	%edx, %edx
   127:	movl	%eax, %ebp
   129:	leal	2(,%r15,8), %eax
   131:	vpinsrd	$1, %ebp, %xmm1, %xmm1
   137:	divl	%r14d
   13a:	movl	%edx, 28(%rsp)
   13e:	xorl	%edx, %edx
   140:	movl	%eax, %esi
   142:	leal	3(,%r15,8), %eax
   14a:	vpinsrd	$2, %esi, %xmm1, %xmm1
   150:	divl	%r14d
   153:	movl	%edx, 24(%rsp)
   157:	xorl	%edx, %edx
   159:	vpinsrd	$3, %eax, %xmm1, %xmm1
   15f:	vinserti128	$1, %xmm0, %ymm1, %ymm0
   165:	vmovd	%r11d, %xmm1
   16a:	vpinsrd	$1, %r10d, %xmm1, %xmm1
   170:	vpextrd	$3, %xmm0, %eax
   176:	vextracti128	$1, %ymm0, %xmm2
   17c:	divl	%r13d
   17f:	vpextrd	$2, %xmm0, %eax
   185:	movl	%edx, 20(%rsp)
   189:	xorl	%edx, %edx
   18b:	divl	%r13d
   18e:	vpextrd	$1, %xmm0, %eax
   194:	vpextrd	$3, %xmm2, %r10d
   19a:	vpextrd	$2, %xmm2, %edi
   1a0:	vpextrd	$1, %xmm2, %ebp
   1a6:	vmovd	%xmm2, %ecx
   1aa:	movl	%edx, %r8d
   1ad:	xorl	%edx, %edx
   1af:	divl	%r13d
   1b2:	vmovd	%xmm0, %eax
   1b6:	movl	%edx, %r9d
   1b9:	xorl	%edx, %edx
   1bb:	divl	%r13d
   1be:	vpinsrd	$2, 44(%rsp), %xmm1, %xmm1
   1c6:	movl	%r10d, %eax
   1c9:	movl	%edx, %r11d
   1cc:	xorl	%edx, %edx
   1ce:	divl	%r13d
   1d1:	vmovd	36(%rsp), %xmm3
   1d7:	movl	%edi, %eax
   1d9:	vmovd	%r11d, %xmm5
   1de:	movl	%edx, %r15d
   1e1:	xorl	%edx, %edx
   1e3:	vpinsrd	$1, %r9d, %xmm5, %xmm5
   1e9:	vpinsrd	$2, %r8d, %xmm5, %xmm5
   1ef:	vpinsrd	$3, 40(%rsp), %xmm1, %xmm1
   1f7:	divl	%r13d
   1fa:	movl	%ebp, %eax
   1fc:	vpinsrd	$1, 32(%rsp), %xmm3, %xmm3
   204:	movl	%edx, %esi
   206:	xorl	%edx, %edx
   208:	divl	%r13d
   20b:	movl	%ecx, %eax
   20d:	movl	%edx, %ebx
   20f:	xorl	%edx, %edx
   211:	vpinsrd	$2, 28(%rsp), %xmm3, %xmm3
   219:	vpinsrd	$3, 24(%rsp), %xmm3, %xmm3
   221:	divl	%r13d
   224:	vpinsrd	$3, 20(%rsp), %xmm5, %xmm7
   22c:	vmovd	%edx, %xmm2
   230:	vpinsrd	$1, %ebx, %xmm2, %xmm2
   236:	vpinsrd	$2, %esi, %xmm2, %xmm2
   23c:	vpinsrd	$3, %r15d, %xmm2, %xmm6
   242:	vpbroadcastd	%r13d, %ymm2
   248:	vinserti128	$1, %xmm1, %ymm3, %ymm5
   24e:	vinserti128	$1, %xmm6, %ymm7, %ymm6
   254:	testl	%r12d, %r12d
   257:	je	85
   259:	movl	184(%rsp), %eax
   260:	movl	224(%rsp), %edx
   267:	movq	48(%rsp), %rbx
   26c:	vpcmpeqd	%ymm1, %ymm1, %ymm1
   270:	decl	%eax
   272:	cmpl	%edx, %eax
   274:	jne	65
   276:	movabsq	$139735223148544, %rax
   280:	vpcmpeqd	%ymm1, %ymm1, %ymm1
   284:	vmovdqa	(%rax), %ymm7
   288:	nopl	(%rax,%rax)
   290:	vpbroadcastd	%r12d, %ymm8
   296:	incl	%r12d
   299:	vpcmpneqd	%ymm7, %ymm8, %k1
   2a0:	vmovdqa32	%ymm1, %ymm1 {%k1} {z}
   2a6:	cmpl	$8, %r12d
   2aa:	jb	-28
   2ac:	jmp	9
   2ae:	movq	48(%rsp), %rbx
   2b3:	vpcmpeqd	%ymm1, %ymm1, %ymm1
   2b7:	vextracti128	$1, %ymm2, %xmm7
   2bd:	movl	%ebp, %eax
   2bf:	xorl	%edx, %edx
   2c1:	vptestmd	%ymm1, %ymm1, %k1
   2c7:	kshiftrb	$2, %k1, %k0
   2cd:	kshiftrb	$7, %k1, %k2
   2d3:	vpextrd	$1, %xmm7, %esi
   2d9:	vmovd	%xmm7, %ebp
   2dd:	kmovd	%k0, %r15d
   2e1:	kshiftrb	$3, %k1, %k0
   2e7:	divl	%esi
   2e9:	movl	%ecx, %eax
   2eb:	vpextrd	$2, %xmm7, %ecx
   2f1:	kmovd	%k0, %r14d
   2f5:	kshiftrb	$4, %k1, %k0
   2fb:	movl	%edx, %esi
   2fd:	xorl	%edx, %edx
   2ff:	divl	%ebp
   301:	movl	%edi, %eax
   303:	kmovd	%k0, %r11d
   307:	kshiftrb	$5, %k1, %k0
   30d:	vmovd	%edx, %xmm3
   311:	xorl	%edx, %edx
   313:	divl	%ecx
   315:	vpextrd	$3, %xmm7, %ecx
   31b:	movl	%r10d, %eax
   31e:	kmovd	%k0, %r9d
   322:	kshiftrb	$6, %k1, %k0
   328:	kmovd	%k2, %r10d
   32c:	vpinsrd	$1, %esi, %xmm3, %xmm3
   332:	vmovd	%xmm2, %esi
   336:	kmovd	%k0, %r8d
   33a:	kshiftrb	$1, %k1, %k0
   340:	vpinsrd	$2, %edx, %xmm3, %xmm3
   346:	xorl	%edx, %edx
   348:	divl	%ecx
   34a:	vpextrd	$1, %xmm0, %eax
   350:	vpextrd	$1, %xmm2, %ecx
   356:	vpinsrd	$3, %edx, %xmm3, %xmm7
   35c:	xorl	%edx, %edx
   35e:	divl	%ecx
   360:	vmovd	%xmm0, %eax
   364:	movl	%edx, %ecx
   366:	xorl	%edx, %edx
   368:	divl	%esi
   36a:	vpextrd	$2, %xmm0, %eax
   370:	vmovd	%edx, %xmm3
   374:	xorl	%edx, %edx
   376:	vpinsrd	$1, %ecx, %xmm3, %xmm3
   37c:	vpextrd	$2, %xmm2, %ecx
   382:	divl	%ecx
   384:	vpextrd	$3, %xmm0, %eax
   38a:	vpextrd	$3, %xmm2, %ecx
   390:	vpinsrd	$2, %edx, %xmm3, %xmm3
   396:	xorl	%edx, %edx
   398:	divl	%ecx
   39a:	movq	16(%rbx), %rsi
   39e:	kmovd	%k1, %ecx
   3a2:	kmovd	%k0, %eax
   3a6:	vpinsrd	$3, %edx, %xmm3, %xmm3
   3ac:	movl	%ecx, %edi
   3ae:	andl	$1, %edi
   3b1:	testb	$1, %al
   3b3:	vinserti128	$1, %xmm7, %ymm3, %ymm3
   3b9:	leal	1(%rdi), %edx
   3bc:	cmovel	%edi, %edx
   3bf:	addq	$16, %rbx
   3c3:	vpsubd	%ymm3, %ymm0, %ymm0
   3c7:	vmovd	264(%rsi), %xmm2
   3cf:	vpaddd	%ymm6, %ymm0, %ymm0
   3d3:	vpmulld	%ymm4, %ymm0, %ymm0
   3d8:	vpaddd	%ymm5, %ymm0, %ymm11
   3dc:	vcvtudq2ps	%ymm11, %ymm5
   3e2:	vpsrld	$2, %xmm2, %xmm2
   3e7:	vpbroadcastd	%xmm2, %ymm2
   3ec:	vptestmd	%ymm2, %ymm2, %k0 {%k1}
   3f2:	kortestb	%k0, %k0
   3f6:	je	228
   3fc:	movl	%r15d, %edi
   3ff:	andl	$1, %edi
   402:	movl	%r14d, %ebp
   405:	andl	$1, %ebp
   408:	vpxor	%xmm7, %xmm7, %xmm7
   40c:	vpxor	%xmm8, %xmm8, %xmm8
   411:	vpxor	%xmm4, %xmm4, %xmm4
   415:	vpxor	%xmm6, %xmm6, %xmm6
   419:	addl	%edi, %edx
   41b:	kmovd	%k0, %edi
   41f:	addl	%edx, %ebp
   421:	movl	%r11d, %edx
   424:	andl	$1, %edx
   427:	testb	$1, %dil
   42b:	je	62
   42d:	movl	8(%rsi), %edi
   430:	movq	(%rsi), %rsi
   433:	vpxor	%xmm4, %xmm4, %xmm4
   437:	vpxor	%xmm6, %xmm6, %xmm6
   43b:	cmpl	$4, %edi
   43e:	jb	4
   440:	vmovd	(%rsi), %xmm6
   444:	cmpl	$8, %edi
   447:	jb	5
   449:	vmovd	4(%rsi), %xmm4
   44e:	vpxor	%xmm7, %xmm7, %xmm7
   452:	vpxor	%xmm8, %xmm8, %xmm8
   457:	cmpl	$12, %edi
   45a:	jb	5
   45c:	vmovd	8(%rsi), %xmm8
   461:	cmpl	$16, %edi
   464:	jb	5
   466:	vmovd	12(%rsi), %xmm7
   46b:	kshiftrb	$1, %k0, %k1
   471:	addl	%edx, %ebp
   473:	movl	%r9d, %edx
   476:	andl	$1, %edx
   479:	kmovd	%k1, %esi
   47d:	testb	$1, %sil
   481:	je	185
   487:	movq	(%rbx), %rdi
   48a:	movl	8(%rdi), %esi
   48d:	movq	(%rdi), %rdi
   490:	cmpl	$260, %esi
   496:	jb	86
   498:	vpinsrd	$1, 256(%rdi), %xmm6, %xmm3
   4a2:	vpblendd	$15, %ymm3, %ymm6, %ymm6
   4a8:	cmpl	$264, %esi
   4ae:	jae	80
   4b0:	vpxor	%xmm3, %xmm3, %xmm3
   4b4:	vpblendd	$2, %ymm3, %ymm4, %ymm4
   4ba:	cmpl	$268, %esi
   4c0:	jae	86
   4c2:	vpxor	%xmm3, %xmm3, %xmm3
   4c6:	vpblendd	$2, %ymm3, %ymm8, %ymm8
   4cc:	cmpl	$272, %esi
   4d2:	jae	92
   4d4:	vpxor	%xmm3, %xmm3, %xmm3
   4d8:	vpblendd	$2, %ymm3, %ymm7, %ymm7
   4de:	jmp	96
   4e0:	movq	(%rsp), %rdi
   4e4:	movq	8(%rsp), %rbp
   4e9:	jmp	21176
   4ee:	vpxor	%xmm3, %xmm3, %xmm3
   4f2:	vpblendd	$2, %ymm3, %ymm6, %ymm6
   4f8:	cmpl	$264, %esi
   4fe:	jb	-80
   500:	vpinsrd	$1, 260(%rdi), %xmm4, %xmm3
   50a:	vpblendd	$15, %ymm3, %ymm4, %ymm4
   510:	cmpl	$268, %esi
   516:	jb	-86
   518:	vpinsrd	$1, 264(%rdi), %xmm8, %xmm3
   522:	vpblendd	$15, %ymm3, %ymm8, %ymm8
   528:	cmpl	$272, %esi
   52e:	jb	-92
   530:	vpinsrd	$1, 268(%rdi), %xmm7, %xmm3
   53a:	vpblendd	$15, %ymm3, %ymm7, %ymm7
   540:	kshiftrb	$2, %k0, %k1
   546:	addl	%edx, %ebp
   548:	movl	%r8d, %edx
   54b:	andl	$1, %edx
   54e:	kmovd	%k1, %esi
   552:	testb	$1, %sil
   556:	je	171
   55c:	movq	(%rbx), %rdi
   55f:	movl	8(%rdi), %esi
   562:	movq	(%rdi), %rdi
   565:	cmpl	$516, %esi
   56b:	jb	72
   56d:	vpinsrd	$2, 512(%rdi), %xmm6, %xmm3
   577:	vpblendd	$15, %ymm3, %ymm6, %ymm6
   57d:	cmpl	$520, %esi
   583:	jae	66
   585:	vpxor	%xmm3, %xmm3, %xmm3
   589:	vpblendd	$4, %ymm3, %ymm4, %ymm4
   58f:	cmpl	$524, %esi
   595:	jae	72
   597:	vpxor	%xmm3, %xmm3, %xmm3
   59b:	vpblendd	$4, %ymm3, %ymm8, %ymm8
   5a1:	cmpl	$528, %esi
   5a7:	jae	78
   5a9:	vpxor	%xmm3, %xmm3, %xmm3
   5ad:	vpblendd	$4, %ymm3, %ymm7, %ymm7
   5b3:	jmp	82
   5b5:	vpxor	%xmm3, %xmm3, %xmm3
   5b9:	vpblendd	$4, %ymm3, %ymm6, %ymm6
   5bf:	cmpl	$520, %esi
   5c5:	jb	-66
   5c7:	vpinsrd	$2, 516(%rdi), %xmm4, %xmm3
   5d1:	vpblendd	$15, %ymm3, %ymm4, %ymm4
   5d7:	cmpl	$524, %esi
   5dd:	jb	-72
   5df:	vpinsrd	$2, 520(%rdi), %xmm8, %xmm3
   5e9:	vpblendd	$15, %ymm3, %ymm8, %ymm8
   5ef:	cmpl	$528, %esi
   5f5:	jb	-78
   5f7:	vpinsrd	$2, 524(%rdi), %xmm7, %xmm3
   601:	vpblendd	$15, %ymm3, %ymm7, %ymm7
   607:	kshiftrb	$3, %k0, %k1
   60d:	addl	%edx, %ebp
   60f:	movl	%r10d, %edx
   612:	andl	$1, %edx
   615:	kmovd	%k1, %esi
   619:	testb	$1, %sil
   61d:	je	171
   623:	movq	(%rbx), %rdi
   626:	movl	8(%rdi), %esi
   629:	movq	(%rdi), %rdi
   62c:	cmpl	$772, %esi
   632:	jb	72
   634:	vpinsrd	$3, 768(%rdi), %xmm6, %xmm3
   63e:	vpblendd	$15, %ymm3, %ymm6, %ymm6
   644:	cmpl	$776, %esi
   64a:	jae	66
   64c:	vpxor	%xmm3, %xmm3, %xmm3
   650:	vpblendd	$8, %ymm3, %ymm4, %ymm4
   656:	cmpl	$780, %esi
   65c:	jae	72
   65e:	vpxor	%xmm3, %xmm3, %xmm3
   662:	vpblendd	$8, %ymm3, %ymm8, %ymm8
   668:	cmpl	$784, %esi
   66e:	jae	78
   670:	vpxor	%xmm3, %xmm3, %xmm3
   674:	vpblendd	$8, %ymm3, %ymm7, %ymm7
   67a:	jmp	82
   67c:	vpxor	%xmm3, %xmm3, %xmm3
   680:	vpblendd	$8, %ymm3, %ymm6, %ymm6
   686:	cmpl	$776, %esi
   68c:	jb	-66
   68e:	vpinsrd	$3, 772(%rdi), %xmm4, %xmm3
   698:	vpblendd	$15, %ymm3, %ymm4, %ymm4
   69e:	cmpl	$780, %esi
   6a4:	jb	-72
   6a6:	vpinsrd	$3, 776(%rdi), %xmm8, %xmm3
   6b0:	vpblendd	$15, %ymm3, %ymm8, %ymm8
   6b6:	cmpl	$784, %esi
   6bc:	jb	-78
   6be:	vpinsrd	$3, 780(%rdi), %xmm7, %xmm3
   6c8:	vpblendd	$15, %ymm3, %ymm7, %ymm7
   6ce:	movq	(%rsp), %rdi
   6d2:	kshiftrb	$4, %k0, %k1
   6d8:	addl	%edx, %ebp
   6da:	kmovd	%k1, %edx
   6de:	testb	$1, %dl
   6e1:	je	125
   6e3:	movq	(%rbx), %rdx
   6e6:	movl	8(%rdx), %esi
   6e9:	movq	(%rdx), %rdx
   6ec:	cmpl	$1028, %esi
   6f2:	jb	11
   6f4:	vpbroadcastd	1024(%rdx), %ymm3
   6fd:	jmp	4
   6ff:	vpxor	%xmm3, %xmm3, %xmm3
   703:	vpblendd	$16, %ymm3, %ymm6, %ymm6
   709:	cmpl	$1032, %esi
   70f:	jb	11
   711:	vpbroadcastd	1028(%rdx), %ymm3
   71a:	jmp	4
   71c:	vpxor	%xmm3, %xmm3, %xmm3
   720:	vpblendd	$16, %ymm3, %ymm4, %ymm4
   726:	cmpl	$1036, %esi
   72c:	jb	11
   72e:	vpbroadcastd	1032(%rdx), %ymm3
   737:	jmp	4
   739:	vpxor	%xmm3, %xmm3, %xmm3
   73d:	vpblendd	$16, %ymm3, %ymm8, %ymm8
   743:	cmpl	$1040, %esi
   749:	jb	11
   74b:	vpbroadcastd	1036(%rdx), %ymm3
   754:	jmp	4
   756:	vpxor	%xmm3, %xmm3, %xmm3
   75a:	vpblendd	$16, %ymm3, %ymm7, %ymm7
   760:	kshiftrb	$5, %k0, %k1
   766:	vmovd	%ebp, %xmm9
   76a:	kmovd	%k1, %edx
   76e:	testb	$1, %dl
   771:	je	33
   773:	movq	(%rbx), %rdx
   776:	movq	8(%rsp), %rbp
   77b:	movl	8(%rdx), %esi
   77e:	movq	(%rdx), %rdx
   781:	cmpl	$1284, %esi
   787:	jb	18
   789:	vpbroadcastd	1280(%rdx), %ymm3
   792:	jmp	11
   794:	movq	8(%rsp), %rbp
   799:	jmp	97
   79b:	vpxor	%xmm3, %xmm3, %xmm3
   79f:	vpblendd	$32, %ymm3, %ymm6, %ymm6
   7a5:	cmpl	$1288, %esi
   7ab:	jb	11
   7ad:	vpbroadcastd	1284(%rdx), %ymm3
   7b6:	jmp	4
   7b8:	vpxor	%xmm3, %xmm3, %xmm3
   7bc:	vpblendd	$32, %ymm3, %ymm4, %ymm4
   7c2:	cmpl	$1292, %esi
   7c8:	jb	11
   7ca:	vpbroadcastd	1288(%rdx), %ymm3
   7d3:	jmp	4
   7d5:	vpxor	%xmm3, %xmm3, %xmm3
   7d9:	vpblendd	$32, %ymm3, %ymm8, %ymm8
   7df:	cmpl	$1296, %esi
   7e5:	jb	11
   7e7:	vpbroadcastd	1292(%rdx), %ymm3
   7f0:	jmp	4
   7f2:	vpxor	%xmm3, %xmm3, %xmm3
   7f6:	vpblendd	$32, %ymm3, %ymm7, %ymm7
   7fc:	kshiftrb	$6, %k0, %k1
   802:	kmovd	%k1, %edx
   806:	testb	$1, %dl
   809:	je	125
   80b:	movq	(%rbx), %rdx
   80e:	movl	8(%rdx), %esi
   811:	movq	(%rdx), %rdx
   814:	cmpl	$1540, %esi
   81a:	jb	11
   81c:	vpbroadcastd	1536(%rdx), %ymm3
   825:	jmp	4
   827:	vpxor	%xmm3, %xmm3, %xmm3
   82b:	vpblendd	$64, %ymm3, %ymm6, %ymm6
   831:	cmpl	$1544, %esi
   837:	jb	11
   839:	vpbroadcastd	1540(%rdx), %ymm3
   842:	jmp	4
   844:	vpxor	%xmm3, %xmm3, %xmm3
   848:	vpblendd	$64, %ymm3, %ymm4, %ymm4
   84e:	cmpl	$1548, %esi
   854:	jb	11
   856:	vpbroadcastd	1544(%rdx), %ymm3
   85f:	jmp	4
   861:	vpxor	%xmm3, %xmm3, %xmm3
   865:	vpblendd	$64, %ymm3, %ymm8, %ymm8
   86b:	cmpl	$1552, %esi
   871:	jb	11
   873:	vpbroadcastd	1548(%rdx), %ymm3
   87c:	jmp	4
   87e:	vpxor	%xmm3, %xmm3, %xmm3
   882:	vpblendd	$64, %ymm3, %ymm7, %ymm7
   888:	kshiftrb	$7, %k0, %k0
   88e:	vpaddd	%ymm10, %ymm9, %ymm3
   893:	kmovd	%k0, %edx
   897:	testb	$1, %dl
   89a:	je	129
   8a0:	movq	(%rbx), %rdx
   8a3:	movl	8(%rdx), %esi
   8a6:	movq	(%rdx), %rdx
   8a9:	cmpl	$1796, %esi
   8af:	jb	11
   8b1:	vpbroadcastd	1792(%rdx), %ymm9
   8ba:	jmp	5
   8bc:	vpxor	%xmm9, %xmm9, %xmm9
   8c1:	vpblendd	$128, %ymm9, %ymm6, %ymm6
   8c7:	cmpl	$1800, %esi
   8cd:	jb	11
   8cf:	vpbroadcastd	1796(%rdx), %ymm9
   8d8:	jmp	5
   8da:	vpxor	%xmm9, %xmm9, %xmm9
   8df:	vpblendd	$128, %ymm9, %ymm4, %ymm4
   8e5:	cmpl	$1804, %esi
   8eb:	jb	11
   8ed:	vpbroadcastd	1800(%rdx), %ymm9
   8f6:	jmp	5
   8f8:	vpxor	%xmm9, %xmm9, %xmm9
   8fd:	vpblendd	$128, %ymm9, %ymm8, %ymm8
   903:	cmpl	$1808, %esi
   909:	jb	11
   90b:	vpbroadcastd	1804(%rdx), %ymm9
   914:	jmp	5
   916:	vpxor	%xmm9, %xmm9, %xmm9
   91b:	vpblendd	$128, %ymm9, %ymm7, %ymm7
   921:	movabsq	$139735223148576, %rdx
   92b:	vpbroadcastd	%xmm3, %ymm3
   930:	vpshufd	$255, %xmm4, %xmm4
   935:	vpshufd	$255, %xmm8, %xmm0
   93b:	vptestnmd	%ymm2, %ymm2, %k2
   941:	vpcmpltud	(%rdx){1to8}, %ymm3, %k1
   948:	vpshufd	$255, %xmm6, %xmm3
   94d:	vpxor	%xmm6, %xmm6, %xmm6
   951:	movabsq	$139735223148580, %rdx
   95b:	vpbroadcastq	%xmm4, %ymm4
   960:	vpbroadcastq	%xmm0, %ymm0
   965:	vpbroadcastq	%xmm3, %ymm3
   96a:	vmovaps	%ymm6, %ymm3 {%k1}
   970:	vmulps	%ymm5, %ymm3, %ymm9
   974:	vbroadcastss	(%rdx), %ymm3
   979:	vmovaps	%ymm6, %ymm4 {%k1}
   97f:	vmovaps	%ymm6, %ymm0 {%k1}
   985:	movabsq	$139735223148584, %rdx
   98f:	vaddps	%ymm3, %ymm9, %ymm9
   993:	vmulps	%ymm4, %ymm9, %ymm4
   997:	vaddps	%ymm3, %ymm4, %ymm4
   99b:	vmulps	%ymm4, %ymm0, %ymm0
   99f:	vpshufd	$255, %xmm7, %xmm4
   9a4:	vpbroadcastq	%xmm4, %ymm4
   9a9:	vaddps	%ymm3, %ymm0, %ymm0
   9ad:	vmovaps	%ymm6, %ymm4 {%k1}
   9b3:	vmulps	%ymm0, %ymm4, %ymm0
   9b7:	vaddps	%ymm3, %ymm0, %ymm4
   9bb:	vmovaps	%ymm5, %ymm4 {%k2}
   9c1:	vpcmpnleud	(%rdx){1to8}, %ymm2, %k2
   9c8:	vptestmd	%ymm1, %ymm1, %k0 {%k2}
   9ce:	kortestb	%k0, %k0
   9d2:	je	19914
   9d8:	kmovd	%k0, %edx
   9dc:	vpxor	%xmm8, %xmm8, %xmm8
   9e1:	vpxor	%xmm7, %xmm7, %xmm7
   9e5:	vxorps	%xmm5, %xmm5, %xmm5
   9e9:	testb	$1, %dl
   9ec:	je	66
   9ee:	movq	(%rbx), %rdx
   9f1:	vpxor	%xmm7, %xmm7, %xmm7
   9f5:	vxorps	%xmm5, %xmm5, %xmm5
   9f9:	movl	8(%rdx), %esi
   9fc:	movq	(%rdx), %rdx
   9ff:	cmpl	$20, %esi
   a02:	jb	5
   a04:	vmovss	16(%rdx), %xmm5
   a09:	cmpl	$24, %esi
   a0c:	jb	5
   a0e:	vmovd	20(%rdx), %xmm7
   a13:	vxorps	%xmm6, %xmm6, %xmm6
   a17:	vpxor	%xmm8, %xmm8, %xmm8
   a1c:	cmpl	$28, %esi
   a1f:	jb	5
   a21:	vmovd	24(%rdx), %xmm8
   a26:	cmpl	$32, %esi
   a29:	jb	5
   a2b:	vmovss	28(%rdx), %xmm6
   a30:	kshiftrb	$1, %k0, %k3
   a36:	kmovd	%k3, %edx
   a3a:	testb	$1, %dl
   a3d:	je	171
   a43:	movq	(%rbx), %rdx
   a46:	movl	8(%rdx), %esi
   a49:	movq	(%rdx), %rdx
   a4c:	cmpl	$276, %esi
   a52:	jb	72
   a54:	vpinsrd	$1, 272(%rdx), %xmm5, %xmm0
   a5e:	vpblendd	$15, %ymm0, %ymm5, %ymm5
   a64:	cmpl	$280, %esi
   a6a:	jae	66
   a6c:	vxorps	%xmm0, %xmm0, %xmm0
   a70:	vpblendd	$2, %ymm0, %ymm7, %ymm7
   a76:	cmpl	$284, %esi
   a7c:	jae	72
   a7e:	vpxor	%xmm0, %xmm0, %xmm0
   a82:	vpblendd	$2, %ymm0, %ymm8, %ymm8
   a88:	cmpl	$288, %esi
   a8e:	jae	78
   a90:	vpxor	%xmm0, %xmm0, %xmm0
   a94:	vpblendd	$2, %ymm0, %ymm6, %ymm6
   a9a:	jmp	82
   a9c:	vxorps	%xmm0, %xmm0, %xmm0
   aa0:	vblendps	$2, %ymm0, %ymm5, %ymm5
   aa6:	cmpl	$280, %esi
   aac:	jb	-66
   aae:	vpinsrd	$1, 276(%rdx), %xmm7, %xmm0
   ab8:	vpblendd	$15, %ymm0, %ymm7, %ymm7
   abe:	cmpl	$284, %esi
   ac4:	jb	-72
   ac6:	vpinsrd	$1, 280(%rdx), %xmm8, %xmm0
   ad0:	vpblendd	$15, %ymm0, %ymm8, %ymm8
   ad6:	cmpl	$288, %esi
   adc:	jb	-78
   ade:	vpinsrd	$1, 284(%rdx), %xmm6, %xmm0
   ae8:	vpblendd	$15, %ymm0, %ymm6, %ymm6
   aee:	kshiftrb	$2, %k0, %k3
   af4:	kmovd	%k3, %edx
   af8:	testb	$1, %dl
   afb:	je	171
   b01:	movq	(%rbx), %rdx
   b04:	movl	8(%rdx), %esi
   b07:	movq	(%rdx), %rdx
   b0a:	cmpl	$532, %esi
   b10:	jb	72
   b12:	vpinsrd	$2, 528(%rdx), %xmm5, %xmm0
   b1c:	vpblendd	$15, %ymm0, %ymm5, %ymm5
   b22:	cmpl	$536, %esi
   b28:	jae	66
   b2a:	vpxor	%xmm0, %xmm0, %xmm0
   b2e:	vpblendd	$4, %ymm0, %ymm7, %ymm7
   b34:	cmpl	$540, %esi
   b3a:	jae	72
   b3c:	vpxor	%xmm0, %xmm0, %xmm0
   b40:	vpblendd	$4, %ymm0, %ymm8, %ymm8
   b46:	cmpl	$544, %esi
   b4c:	jae	78
   b4e:	vpxor	%xmm0, %xmm0, %xmm0
   b52:	vpblendd	$4, %ymm0, %ymm6, %ymm6
   b58:	jmp	82
   b5a:	vpxor	%xmm0, %xmm0, %xmm0
   b5e:	vblendps	$4, %ymm0, %ymm5, %ymm5
   b64:	cmpl	$536, %esi
   b6a:	jb	-66
   b6c:	vpinsrd	$2, 532(%rdx), %xmm7, %xmm0
   b76:	vpblendd	$15, %ymm0, %ymm7, %ymm7
   b7c:	cmpl	$540, %esi
   b82:	jb	-72
   b84:	vpinsrd	$2, 536(%rdx), %xmm8, %xmm0
   b8e:	vpblendd	$15, %ymm0, %ymm8, %ymm8
   b94:	cmpl	$544, %esi
   b9a:	jb	-78
   b9c:	vpinsrd	$2, 540(%rdx), %xmm6, %xmm0
   ba6:	vpblendd	$15, %ymm0, %ymm6, %ymm6
   bac:	kshiftrb	$3, %k0, %k3
   bb2:	kmovd	%k3, %edx
   bb6:	testb	$1, %dl
   bb9:	je	171
   bbf:	movq	(%rbx), %rdx
   bc2:	movl	8(%rdx), %esi
   bc5:	movq	(%rdx), %rdx
   bc8:	cmpl	$788, %esi
   bce:	jb	72
   bd0:	vpinsrd	$3, 784(%rdx), %xmm5, %xmm0
   bda:	vpblendd	$15, %ymm0, %ymm5, %ymm5
   be0:	cmpl	$792, %esi
   be6:	jae	66
   be8:	vpxor	%xmm0, %xmm0, %xmm0
   bec:	vpblendd	$8, %ymm0, %ymm7, %ymm7
   bf2:	cmpl	$796, %esi
   bf8:	jae	72
   bfa:	vpxor	%xmm0, %xmm0, %xmm0
   bfe:	vpblendd	$8, %ymm0, %ymm8, %ymm8
   c04:	cmpl	$800, %esi
   c0a:	jae	78
   c0c:	vpxor	%xmm0, %xmm0, %xmm0
   c10:	vpblendd	$8, %ymm0, %ymm6, %ymm6
   c16:	jmp	82
   c18:	vpxor	%xmm0, %xmm0, %xmm0
   c1c:	vblendps	$8, %ymm0, %ymm5, %ymm5
   c22:	cmpl	$792, %esi
   c28:	jb	-66
   c2a:	vpinsrd	$3, 788(%rdx), %xmm7, %xmm0
   c34:	vpblendd	$15, %ymm0, %ymm7, %ymm7
   c3a:	cmpl	$796, %esi
   c40:	jb	-72
   c42:	vpinsrd	$3, 792(%rdx), %xmm8, %xmm0
   c4c:	vpblendd	$15, %ymm0, %ymm8, %ymm8
   c52:	cmpl	$800, %esi
   c58:	jb	-78
   c5a:	vpinsrd	$3, 796(%rdx), %xmm6, %xmm0
   c64:	vpblendd	$15, %ymm0, %ymm6, %ymm6
   c6a:	kshiftrb	$4, %k0, %k3
   c70:	kmovd	%k3, %edx
   c74:	testb	$1, %dl
   c77:	je	125
   c79:	movq	(%rbx), %rdx
   c7c:	movl	8(%rdx), %esi
   c7f:	movq	(%rdx), %rdx
   c82:	cmpl	$1044, %esi
   c88:	jb	11
   c8a:	vpbroadcastd	1040(%rdx), %ymm0
   c93:	jmp	4
   c95:	vpxor	%xmm0, %xmm0, %xmm0
   c99:	vblendps	$16, %ymm0, %ymm5, %ymm5
   c9f:	cmpl	$1048, %esi
   ca5:	jb	11
   ca7:	vpbroadcastd	1044(%rdx), %ymm0
   cb0:	jmp	4
   cb2:	vpxor	%xmm0, %xmm0, %xmm0
   cb6:	vpblendd	$16, %ymm0, %ymm7, %ymm7
   cbc:	cmpl	$1052, %esi
   cc2:	jb	11
   cc4:	vpbroadcastd	1048(%rdx), %ymm0
   ccd:	jmp	4
   ccf:	vpxor	%xmm0, %xmm0, %xmm0
   cd3:	vpblendd	$16, %ymm0, %ymm8, %ymm8
   cd9:	cmpl	$1056, %esi
   cdf:	jb	11
   ce1:	vpbroadcastd	1052(%rdx), %ymm0
   cea:	jmp	4
   cec:	vpxor	%xmm0, %xmm0, %xmm0
   cf0:	vpblendd	$16, %ymm0, %ymm6, %ymm6
   cf6:	kshiftrb	$5, %k0, %k3
   cfc:	kmovd	%k3, %edx
   d00:	testb	$1, %dl
   d03:	je	125
   d05:	movq	(%rbx), %rdx
   d08:	movl	8(%rdx), %esi
   d0b:	movq	(%rdx), %rdx
   d0e:	cmpl	$1300, %esi
   d14:	jb	11
   d16:	vpbroadcastd	1296(%rdx), %ymm0
   d1f:	jmp	4
   d21:	vpxor	%xmm0, %xmm0, %xmm0
   d25:	vblendps	$32, %ymm0, %ymm5, %ymm5
   d2b:	cmpl	$1304, %esi
   d31:	jb	11
   d33:	vpbroadcastd	1300(%rdx), %ymm0
   d3c:	jmp	4
   d3e:	vpxor	%xmm0, %xmm0, %xmm0
   d42:	vpblendd	$32, %ymm0, %ymm7, %ymm7
   d48:	cmpl	$1308, %esi
   d4e:	jb	11
   d50:	vpbroadcastd	1304(%rdx), %ymm0
   d59:	jmp	4
   d5b:	vpxor	%xmm0, %xmm0, %xmm0
   d5f:	vpblendd	$32, %ymm0, %ymm8, %ymm8
   d65:	cmpl	$1312, %esi
   d6b:	jb	11
   d6d:	vpbroadcastd	1308(%rdx), %ymm0
   d76:	jmp	4
   d78:	vpxor	%xmm0, %xmm0, %xmm0
   d7c:	vpblendd	$32, %ymm0, %ymm6, %ymm6
   d82:	kshiftrb	$6, %k0, %k3
   d88:	kmovd	%k3, %edx
   d8c:	testb	$1, %dl
   d8f:	je	125
   d91:	movq	(%rbx), %rdx
   d94:	movl	8(%rdx), %esi
   d97:	movq	(%rdx), %rdx
   d9a:	cmpl	$1556, %esi
   da0:	jb	11
   da2:	vpbroadcastd	1552(%rdx), %ymm0
   dab:	jmp	4
   dad:	vpxor	%xmm0, %xmm0, %xmm0
   db1:	vblendps	$64, %ymm0, %ymm5, %ymm5
   db7:	cmpl	$1560, %esi
   dbd:	jb	11
   dbf:	vpbroadcastd	1556(%rdx), %ymm0
   dc8:	jmp	4
   dca:	vpxor	%xmm0, %xmm0, %xmm0
   dce:	vpblendd	$64, %ymm0, %ymm7, %ymm7
   dd4:	cmpl	$1564, %esi
   dda:	jb	11
   ddc:	vpbroadcastd	1560(%rdx), %ymm0
   de5:	jmp	4
   de7:	vpxor	%xmm0, %xmm0, %xmm0
   deb:	vpblendd	$64, %ymm0, %ymm8, %ymm8
   df1:	cmpl	$1568, %esi
   df7:	jb	11
   df9:	vpbroadcastd	1564(%rdx), %ymm0
   e02:	jmp	4
   e04:	vpxor	%xmm0, %xmm0, %xmm0
   e08:	vpblendd	$64, %ymm0, %ymm6, %ymm6
   e0e:	kshiftrb	$7, %k0, %k0
   e14:	kmovd	%k0, %edx
   e18:	testb	$1, %dl
   e1b:	je	125
   e1d:	movq	(%rbx), %rdx
   e20:	movl	8(%rdx), %esi
   e23:	movq	(%rdx), %rdx
   e26:	cmpl	$1812, %esi
   e2c:	jb	11
   e2e:	vpbroadcastd	1808(%rdx), %ymm0
   e37:	jmp	4
   e39:	vpxor	%xmm0, %xmm0, %xmm0
   e3d:	vblendps	$128, %ymm0, %ymm5, %ymm5
   e43:	cmpl	$1816, %esi
   e49:	jb	11
   e4b:	vpbroadcastd	1812(%rdx), %ymm0
   e54:	jmp	4
   e56:	vpxor	%xmm0, %xmm0, %xmm0
   e5a:	vpblendd	$128, %ymm0, %ymm7, %ymm7
   e60:	cmpl	$1820, %esi
   e66:	jb	11
   e68:	vpbroadcastd	1816(%rdx), %ymm0
   e71:	jmp	4
   e73:	vpxor	%xmm0, %xmm0, %xmm0
   e77:	vpblendd	$128, %ymm0, %ymm8, %ymm8
   e7d:	cmpl	$1824, %esi
   e83:	jb	11
   e85:	vpbroadcastd	1820(%rdx), %ymm0
   e8e:	jmp	4
   e90:	vpxor	%xmm0, %xmm0, %xmm0
   e94:	vpblendd	$128, %ymm0, %ymm6, %ymm6
   e9a:	vpermilps	$255, %xmm5, %xmm0
   ea0:	vxorps	%xmm5, %xmm5, %xmm5
   ea4:	vpshufd	$255, %xmm7, %xmm7
   ea9:	vpshufd	$255, %xmm6, %xmm6
   eae:	movabsq	$139735223148588, %rdx
   eb8:	vbroadcastsd	%xmm0, %ymm0
   ebd:	vpbroadcastq	%xmm7, %ymm7
   ec2:	vpbroadcastq	%xmm6, %ymm6
   ec7:	vmovaps	%ymm5, %ymm0 {%k1}
   ecd:	vmulps	%ymm0, %ymm4, %ymm0
   ed1:	vmovaps	%ymm5, %ymm7 {%k1}
   ed7:	vmovaps	%ymm5, %ymm6 {%k1}
   edd:	vaddps	%ymm3, %ymm0, %ymm0
   ee1:	vmulps	%ymm0, %ymm7, %ymm0
   ee5:	vpshufd	$255, %xmm8, %xmm7
   eeb:	vpbroadcastq	%xmm7, %ymm7
   ef0:	vaddps	%ymm3, %ymm0, %ymm0
   ef4:	vmovaps	%ymm5, %ymm7 {%k1}
   efa:	vmulps	%ymm0, %ymm7, %ymm0
   efe:	vaddps	%ymm3, %ymm0, %ymm0
   f02:	vmulps	%ymm0, %ymm6, %ymm0
   f06:	vaddps	%ymm3, %ymm0, %ymm4 {%k2}
   f0c:	vpcmpnleud	(%rdx){1to8}, %ymm2, %k2
   f13:	vptestmd	%ymm1, %ymm1, %k0 {%k2}
   f19:	kortestb	%k0, %k0
   f1d:	je	18559
   f23:	kmovd	%k0, %edx
   f27:	vpxor	%xmm8, %xmm8, %xmm8
   f2c:	vxorps	%xmm7, %xmm7, %xmm7
   f30:	vxorps	%xmm6, %xmm6, %xmm6
   f34:	testb	$1, %dl
   f37:	je	66
   f39:	movq	(%rbx), %rdx
   f3c:	vxorps	%xmm7, %xmm7, %xmm7
   f40:	vxorps	%xmm6, %xmm6, %xmm6
   f44:	movl	8(%rdx), %esi
   f47:	movq	(%rdx), %rdx
   f4a:	cmpl	$36, %esi
   f4d:	jb	5
   f4f:	vmovss	32(%rdx), %xmm6
   f54:	cmpl	$40, %esi
   f57:	jb	5
   f59:	vmovss	36(%rdx), %xmm7
   f5e:	vxorps	%xmm5, %xmm5, %xmm5
   f62:	vpxor	%xmm8, %xmm8, %xmm8
   f67:	cmpl	$44, %esi
   f6a:	jb	5
   f6c:	vmovd	40(%rdx), %xmm8
   f71:	cmpl	$48, %esi
   f74:	jb	5
   f76:	vmovss	44(%rdx), %xmm5
   f7b:	kshiftrb	$1, %k0, %k3
   f81:	kmovd	%k3, %edx
   f85:	testb	$1, %dl
   f88:	je	171
   f8e:	movq	(%rbx), %rdx
   f91:	movl	8(%rdx), %esi
   f94:	movq	(%rdx), %rdx
   f97:	cmpl	$292, %esi
   f9d:	jb	72
   f9f:	vpinsrd	$1, 288(%rdx), %xmm6, %xmm0
   fa9:	vpblendd	$15, %ymm0, %ymm6, %ymm6
   faf:	cmpl	$296, %esi
   fb5:	jae	66
   fb7:	vxorps	%xmm0, %xmm0, %xmm0
   fbb:	vblendps	$2, %ymm0, %ymm7, %ymm7
   fc1:	cmpl	$300, %esi
   fc7:	jae	72
   fc9:	vpxor	%xmm0, %xmm0, %xmm0
   fcd:	vpblendd	$2, %ymm0, %ymm8, %ymm8
   fd3:	cmpl	$304, %esi
   fd9:	jae	78
   fdb:	vpxor	%xmm0, %xmm0, %xmm0
   fdf:	vblendps	$2, %ymm0, %ymm5, %ymm5
   fe5:	jmp	82
   fe7:	vxorps	%xmm0, %xmm0, %xmm0
   feb:	vblendps	$2, %ymm0, %ymm6, %ymm6
   ff1:	cmpl	$296, %esi
   ff7:	jb	-66
   ff9:	vpinsrd	$1, 292(%rdx), %xmm7, %xmm0
  1003:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  1009:	cmpl	$300, %esi
  100f:	jb	-72
  1011:	vpinsrd	$1, 296(%rdx), %xmm8, %xmm0
  101b:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  1021:	cmpl	$304, %esi
  1027:	jb	-78
  1029:	vpinsrd	$1, 300(%rdx), %xmm5, %xmm0
  1033:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  1039:	kshiftrb	$2, %k0, %k3
  103f:	kmovd	%k3, %edx
  1043:	testb	$1, %dl
  1046:	je	171
  104c:	movq	(%rbx), %rdx
  104f:	movl	8(%rdx), %esi
  1052:	movq	(%rdx), %rdx
  1055:	cmpl	$548, %esi
  105b:	jb	72
  105d:	vpinsrd	$2, 544(%rdx), %xmm6, %xmm0
  1067:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  106d:	cmpl	$552, %esi
  1073:	jae	66
  1075:	vxorps	%xmm0, %xmm0, %xmm0
  1079:	vpblendd	$4, %ymm0, %ymm7, %ymm7
  107f:	cmpl	$556, %esi
  1085:	jae	72
  1087:	vpxor	%xmm0, %xmm0, %xmm0
  108b:	vpblendd	$4, %ymm0, %ymm8, %ymm8
  1091:	cmpl	$560, %esi
  1097:	jae	78
  1099:	vpxor	%xmm0, %xmm0, %xmm0
  109d:	vblendps	$4, %ymm0, %ymm5, %ymm5
  10a3:	jmp	82
  10a5:	vxorps	%xmm0, %xmm0, %xmm0
  10a9:	vblendps	$4, %ymm0, %ymm6, %ymm6
  10af:	cmpl	$552, %esi
  10b5:	jb	-66
  10b7:	vpinsrd	$2, 548(%rdx), %xmm7, %xmm0
  10c1:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  10c7:	cmpl	$556, %esi
  10cd:	jb	-72
  10cf:	vpinsrd	$2, 552(%rdx), %xmm8, %xmm0
  10d9:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  10df:	cmpl	$560, %esi
  10e5:	jb	-78
  10e7:	vpinsrd	$2, 556(%rdx), %xmm5, %xmm0
  10f1:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  10f7:	kshiftrb	$3, %k0, %k3
  10fd:	kmovd	%k3, %edx
  1101:	testb	$1, %dl
  1104:	je	171
  110a:	movq	(%rbx), %rdx
  110d:	movl	8(%rdx), %esi
  1110:	movq	(%rdx), %rdx
  1113:	cmpl	$804, %esi
  1119:	jb	72
  111b:	vpinsrd	$3, 800(%rdx), %xmm6, %xmm0
  1125:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  112b:	cmpl	$808, %esi
  1131:	jae	66
  1133:	vxorps	%xmm0, %xmm0, %xmm0
  1137:	vpblendd	$8, %ymm0, %ymm7, %ymm7
  113d:	cmpl	$812, %esi
  1143:	jae	72
  1145:	vpxor	%xmm0, %xmm0, %xmm0
  1149:	vpblendd	$8, %ymm0, %ymm8, %ymm8
  114f:	cmpl	$816, %esi
  1155:	jae	78
  1157:	vpxor	%xmm0, %xmm0, %xmm0
  115b:	vblendps	$8, %ymm0, %ymm5, %ymm5
  1161:	jmp	82
  1163:	vxorps	%xmm0, %xmm0, %xmm0
  1167:	vblendps	$8, %ymm0, %ymm6, %ymm6
  116d:	cmpl	$808, %esi
  1173:	jb	-66
  1175:	vpinsrd	$3, 804(%rdx), %xmm7, %xmm0
  117f:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  1185:	cmpl	$812, %esi
  118b:	jb	-72
  118d:	vpinsrd	$3, 808(%rdx), %xmm8, %xmm0
  1197:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  119d:	cmpl	$816, %esi
  11a3:	jb	-78
  11a5:	vpinsrd	$3, 812(%rdx), %xmm5, %xmm0
  11af:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  11b5:	kshiftrb	$4, %k0, %k3
  11bb:	kmovd	%k3, %edx
  11bf:	testb	$1, %dl
  11c2:	je	125
  11c4:	movq	(%rbx), %rdx
  11c7:	movl	8(%rdx), %esi
  11ca:	movq	(%rdx), %rdx
  11cd:	cmpl	$1060, %esi
  11d3:	jb	11
  11d5:	vbroadcastss	1056(%rdx), %ymm0
  11de:	jmp	4
  11e0:	vxorps	%xmm0, %xmm0, %xmm0
  11e4:	vblendps	$16, %ymm0, %ymm6, %ymm6
  11ea:	cmpl	$1064, %esi
  11f0:	jb	11
  11f2:	vbroadcastss	1060(%rdx), %ymm0
  11fb:	jmp	4
  11fd:	vxorps	%xmm0, %xmm0, %xmm0
  1201:	vpblendd	$16, %ymm0, %ymm7, %ymm7
  1207:	cmpl	$1068, %esi
  120d:	jb	11
  120f:	vpbroadcastd	1064(%rdx), %ymm0
  1218:	jmp	4
  121a:	vpxor	%xmm0, %xmm0, %xmm0
  121e:	vpblendd	$16, %ymm0, %ymm8, %ymm8
  1224:	cmpl	$1072, %esi
  122a:	jb	11
  122c:	vpbroadcastd	1068(%rdx), %ymm0
  1235:	jmp	4
  1237:	vpxor	%xmm0, %xmm0, %xmm0
  123b:	vblendps	$16, %ymm0, %ymm5, %ymm5
  1241:	kshiftrb	$5, %k0, %k3
  1247:	kmovd	%k3, %edx
  124b:	testb	$1, %dl
  124e:	je	125
  1250:	movq	(%rbx), %rdx
  1253:	movl	8(%rdx), %esi
  1256:	movq	(%rdx), %rdx
  1259:	cmpl	$1316, %esi
  125f:	jb	11
  1261:	vbroadcastss	1312(%rdx), %ymm0
  126a:	jmp	4
  126c:	vxorps	%xmm0, %xmm0, %xmm0
  1270:	vblendps	$32, %ymm0, %ymm6, %ymm6
  1276:	cmpl	$1320, %esi
  127c:	jb	11
  127e:	vbroadcastss	1316(%rdx), %ymm0
  1287:	jmp	4
  1289:	vxorps	%xmm0, %xmm0, %xmm0
  128d:	vpblendd	$32, %ymm0, %ymm7, %ymm7
  1293:	cmpl	$1324, %esi
  1299:	jb	11
  129b:	vpbroadcastd	1320(%rdx), %ymm0
  12a4:	jmp	4
  12a6:	vpxor	%xmm0, %xmm0, %xmm0
  12aa:	vpblendd	$32, %ymm0, %ymm8, %ymm8
  12b0:	cmpl	$1328, %esi
  12b6:	jb	11
  12b8:	vpbroadcastd	1324(%rdx), %ymm0
  12c1:	jmp	4
  12c3:	vpxor	%xmm0, %xmm0, %xmm0
  12c7:	vblendps	$32, %ymm0, %ymm5, %ymm5
  12cd:	kshiftrb	$6, %k0, %k3
  12d3:	kmovd	%k3, %edx
  12d7:	testb	$1, %dl
  12da:	je	125
  12dc:	movq	(%rbx), %rdx
  12df:	movl	8(%rdx), %esi
  12e2:	movq	(%rdx), %rdx
  12e5:	cmpl	$1572, %esi
  12eb:	jb	11
  12ed:	vbroadcastss	1568(%rdx), %ymm0
  12f6:	jmp	4
  12f8:	vxorps	%xmm0, %xmm0, %xmm0
  12fc:	vblendps	$64, %ymm0, %ymm6, %ymm6
  1302:	cmpl	$1576, %esi
  1308:	jb	11
  130a:	vbroadcastss	1572(%rdx), %ymm0
  1313:	jmp	4
  1315:	vxorps	%xmm0, %xmm0, %xmm0
  1319:	vpblendd	$64, %ymm0, %ymm7, %ymm7
  131f:	cmpl	$1580, %esi
  1325:	jb	11
  1327:	vpbroadcastd	1576(%rdx), %ymm0
  1330:	jmp	4
  1332:	vpxor	%xmm0, %xmm0, %xmm0
  1336:	vpblendd	$64, %ymm0, %ymm8, %ymm8
  133c:	cmpl	$1584, %esi
  1342:	jb	11
  1344:	vpbroadcastd	1580(%rdx), %ymm0
  134d:	jmp	4
  134f:	vpxor	%xmm0, %xmm0, %xmm0
  1353:	vblendps	$64, %ymm0, %ymm5, %ymm5
  1359:	kshiftrb	$7, %k0, %k0
  135f:	kmovd	%k0, %edx
  1363:	testb	$1, %dl
  1366:	je	125
  1368:	movq	(%rbx), %rdx
  136b:	movl	8(%rdx), %esi
  136e:	movq	(%rdx), %rdx
  1371:	cmpl	$1828, %esi
  1377:	jb	11
  1379:	vbroadcastss	1824(%rdx), %ymm0
  1382:	jmp	4
  1384:	vxorps	%xmm0, %xmm0, %xmm0
  1388:	vblendps	$128, %ymm0, %ymm6, %ymm6
  138e:	cmpl	$1832, %esi
  1394:	jb	11
  1396:	vbroadcastss	1828(%rdx), %ymm0
  139f:	jmp	4
  13a1:	vxorps	%xmm0, %xmm0, %xmm0
  13a5:	vpblendd	$128, %ymm0, %ymm7, %ymm7
  13ab:	cmpl	$1836, %esi
  13b1:	jb	11
  13b3:	vpbroadcastd	1832(%rdx), %ymm0
  13bc:	jmp	4
  13be:	vpxor	%xmm0, %xmm0, %xmm0
  13c2:	vpblendd	$128, %ymm0, %ymm8, %ymm8
  13c8:	cmpl	$1840, %esi
  13ce:	jb	11
  13d0:	vpbroadcastd	1836(%rdx), %ymm0
  13d9:	jmp	4
  13db:	vpxor	%xmm0, %xmm0, %xmm0
  13df:	vblendps	$128, %ymm0, %ymm5, %ymm5
  13e5:	vpermilps	$255, %xmm6, %xmm0
  13eb:	vxorps	%xmm6, %xmm6, %xmm6
  13ef:	vpshufd	$255, %xmm7, %xmm7
  13f4:	vpermilps	$255, %xmm5, %xmm5
  13fa:	movabsq	$139735223148592, %rdx
  1404:	vbroadcastsd	%xmm0, %ymm0
  1409:	vpbroadcastq	%xmm7, %ymm7
  140e:	vbroadcastsd	%xmm5, %ymm5
  1413:	vmovaps	%ymm6, %ymm0 {%k1}
  1419:	vmulps	%ymm0, %ymm4, %ymm0
  141d:	vmovaps	%ymm6, %ymm7 {%k1}
  1423:	vmovaps	%ymm6, %ymm5 {%k1}
  1429:	vaddps	%ymm3, %ymm0, %ymm0
  142d:	vmulps	%ymm0, %ymm7, %ymm0
  1431:	vpshufd	$255, %xmm8, %xmm7
  1437:	vpbroadcastq	%xmm7, %ymm7
  143c:	vaddps	%ymm3, %ymm0, %ymm0
  1440:	vmovaps	%ymm6, %ymm7 {%k1}
  1446:	vmulps	%ymm0, %ymm7, %ymm0
  144a:	vaddps	%ymm3, %ymm0, %ymm0
  144e:	vmulps	%ymm0, %ymm5, %ymm0
  1452:	vaddps	%ymm3, %ymm0, %ymm4 {%k2}
  1458:	vpcmpnleud	(%rdx){1to8}, %ymm2, %k2
  145f:	vptestmd	%ymm1, %ymm1, %k0 {%k2}
  1465:	kortestb	%k0, %k0
  1469:	je	17203
  146f:	kmovd	%k0, %edx
  1473:	vpxor	%xmm8, %xmm8, %xmm8
  1478:	vxorps	%xmm7, %xmm7, %xmm7
  147c:	vxorps	%xmm5, %xmm5, %xmm5
  1480:	testb	$1, %dl
  1483:	je	66
  1485:	movq	(%rbx), %rdx
  1488:	vxorps	%xmm7, %xmm7, %xmm7
  148c:	vxorps	%xmm5, %xmm5, %xmm5
  1490:	movl	8(%rdx), %esi
  1493:	movq	(%rdx), %rdx
  1496:	cmpl	$52, %esi
  1499:	jb	5
  149b:	vmovss	48(%rdx), %xmm5
  14a0:	cmpl	$56, %esi
  14a3:	jb	5
  14a5:	vmovss	52(%rdx), %xmm7
  14aa:	vxorps	%xmm6, %xmm6, %xmm6
  14ae:	vpxor	%xmm8, %xmm8, %xmm8
  14b3:	cmpl	$60, %esi
  14b6:	jb	5
  14b8:	vmovd	56(%rdx), %xmm8
  14bd:	cmpl	$64, %esi
  14c0:	jb	5
  14c2:	vmovss	60(%rdx), %xmm6
  14c7:	kshiftrb	$1, %k0, %k3
  14cd:	kmovd	%k3, %edx
  14d1:	testb	$1, %dl
  14d4:	je	171
  14da:	movq	(%rbx), %rdx
  14dd:	movl	8(%rdx), %esi
  14e0:	movq	(%rdx), %rdx
  14e3:	cmpl	$308, %esi
  14e9:	jb	72
  14eb:	vpinsrd	$1, 304(%rdx), %xmm5, %xmm0
  14f5:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  14fb:	cmpl	$312, %esi
  1501:	jae	66
  1503:	vxorps	%xmm0, %xmm0, %xmm0
  1507:	vblendps	$2, %ymm0, %ymm7, %ymm7
  150d:	cmpl	$316, %esi
  1513:	jae	72
  1515:	vpxor	%xmm0, %xmm0, %xmm0
  1519:	vpblendd	$2, %ymm0, %ymm8, %ymm8
  151f:	cmpl	$320, %esi
  1525:	jae	78
  1527:	vpxor	%xmm0, %xmm0, %xmm0
  152b:	vblendps	$2, %ymm0, %ymm6, %ymm6
  1531:	jmp	82
  1533:	vxorps	%xmm0, %xmm0, %xmm0
  1537:	vblendps	$2, %ymm0, %ymm5, %ymm5
  153d:	cmpl	$312, %esi
  1543:	jb	-66
  1545:	vpinsrd	$1, 308(%rdx), %xmm7, %xmm0
  154f:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  1555:	cmpl	$316, %esi
  155b:	jb	-72
  155d:	vpinsrd	$1, 312(%rdx), %xmm8, %xmm0
  1567:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  156d:	cmpl	$320, %esi
  1573:	jb	-78
  1575:	vpinsrd	$1, 316(%rdx), %xmm6, %xmm0
  157f:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  1585:	kshiftrb	$2, %k0, %k3
  158b:	kmovd	%k3, %edx
  158f:	testb	$1, %dl
  1592:	je	171
  1598:	movq	(%rbx), %rdx
  159b:	movl	8(%rdx), %esi
  159e:	movq	(%rdx), %rdx
  15a1:	cmpl	$564, %esi
  15a7:	jb	72
  15a9:	vpinsrd	$2, 560(%rdx), %xmm5, %xmm0
  15b3:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  15b9:	cmpl	$568, %esi
  15bf:	jae	66
  15c1:	vxorps	%xmm0, %xmm0, %xmm0
  15c5:	vpblendd	$4, %ymm0, %ymm7, %ymm7
  15cb:	cmpl	$572, %esi
  15d1:	jae	72
  15d3:	vpxor	%xmm0, %xmm0, %xmm0
  15d7:	vpblendd	$4, %ymm0, %ymm8, %ymm8
  15dd:	cmpl	$576, %esi
  15e3:	jae	78
  15e5:	vpxor	%xmm0, %xmm0, %xmm0
  15e9:	vblendps	$4, %ymm0, %ymm6, %ymm6
  15ef:	jmp	82
  15f1:	vxorps	%xmm0, %xmm0, %xmm0
  15f5:	vblendps	$4, %ymm0, %ymm5, %ymm5
  15fb:	cmpl	$568, %esi
  1601:	jb	-66
  1603:	vpinsrd	$2, 564(%rdx), %xmm7, %xmm0
  160d:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  1613:	cmpl	$572, %esi
  1619:	jb	-72
  161b:	vpinsrd	$2, 568(%rdx), %xmm8, %xmm0
  1625:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  162b:	cmpl	$576, %esi
  1631:	jb	-78
  1633:	vpinsrd	$2, 572(%rdx), %xmm6, %xmm0
  163d:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  1643:	kshiftrb	$3, %k0, %k3
  1649:	kmovd	%k3, %edx
  164d:	testb	$1, %dl
  1650:	je	171
  1656:	movq	(%rbx), %rdx
  1659:	movl	8(%rdx), %esi
  165c:	movq	(%rdx), %rdx
  165f:	cmpl	$820, %esi
  1665:	jb	72
  1667:	vpinsrd	$3, 816(%rdx), %xmm5, %xmm0
  1671:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  1677:	cmpl	$824, %esi
  167d:	jae	66
  167f:	vxorps	%xmm0, %xmm0, %xmm0
  1683:	vpblendd	$8, %ymm0, %ymm7, %ymm7
  1689:	cmpl	$828, %esi
  168f:	jae	72
  1691:	vpxor	%xmm0, %xmm0, %xmm0
  1695:	vpblendd	$8, %ymm0, %ymm8, %ymm8
  169b:	cmpl	$832, %esi
  16a1:	jae	78
  16a3:	vpxor	%xmm0, %xmm0, %xmm0
  16a7:	vblendps	$8, %ymm0, %ymm6, %ymm6
  16ad:	jmp	82
  16af:	vxorps	%xmm0, %xmm0, %xmm0
  16b3:	vblendps	$8, %ymm0, %ymm5, %ymm5
  16b9:	cmpl	$824, %esi
  16bf:	jb	-66
  16c1:	vpinsrd	$3, 820(%rdx), %xmm7, %xmm0
  16cb:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  16d1:	cmpl	$828, %esi
  16d7:	jb	-72
  16d9:	vpinsrd	$3, 824(%rdx), %xmm8, %xmm0
  16e3:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  16e9:	cmpl	$832, %esi
  16ef:	jb	-78
  16f1:	vpinsrd	$3, 828(%rdx), %xmm6, %xmm0
  16fb:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  1701:	kshiftrb	$4, %k0, %k3
  1707:	kmovd	%k3, %edx
  170b:	testb	$1, %dl
  170e:	je	125
  1710:	movq	(%rbx), %rdx
  1713:	movl	8(%rdx), %esi
  1716:	movq	(%rdx), %rdx
  1719:	cmpl	$1076, %esi
  171f:	jb	11
  1721:	vbroadcastss	1072(%rdx), %ymm0
  172a:	jmp	4
  172c:	vxorps	%xmm0, %xmm0, %xmm0
  1730:	vblendps	$16, %ymm0, %ymm5, %ymm5
  1736:	cmpl	$1080, %esi
  173c:	jb	11
  173e:	vbroadcastss	1076(%rdx), %ymm0
  1747:	jmp	4
  1749:	vxorps	%xmm0, %xmm0, %xmm0
  174d:	vpblendd	$16, %ymm0, %ymm7, %ymm7
  1753:	cmpl	$1084, %esi
  1759:	jb	11
  175b:	vpbroadcastd	1080(%rdx), %ymm0
  1764:	jmp	4
  1766:	vpxor	%xmm0, %xmm0, %xmm0
  176a:	vpblendd	$16, %ymm0, %ymm8, %ymm8
  1770:	cmpl	$1088, %esi
  1776:	jb	11
  1778:	vpbroadcastd	1084(%rdx), %ymm0
  1781:	jmp	4
  1783:	vpxor	%xmm0, %xmm0, %xmm0
  1787:	vblendps	$16, %ymm0, %ymm6, %ymm6
  178d:	kshiftrb	$5, %k0, %k3
  1793:	kmovd	%k3, %edx
  1797:	testb	$1, %dl
  179a:	je	125
  179c:	movq	(%rbx), %rdx
  179f:	movl	8(%rdx), %esi
  17a2:	movq	(%rdx), %rdx
  17a5:	cmpl	$1332, %esi
  17ab:	jb	11
  17ad:	vbroadcastss	1328(%rdx), %ymm0
  17b6:	jmp	4
  17b8:	vxorps	%xmm0, %xmm0, %xmm0
  17bc:	vblendps	$32, %ymm0, %ymm5, %ymm5
  17c2:	cmpl	$1336, %esi
  17c8:	jb	11
  17ca:	vbroadcastss	1332(%rdx), %ymm0
  17d3:	jmp	4
  17d5:	vxorps	%xmm0, %xmm0, %xmm0
  17d9:	vpblendd	$32, %ymm0, %ymm7, %ymm7
  17df:	cmpl	$1340, %esi
  17e5:	jb	11
  17e7:	vpbroadcastd	1336(%rdx), %ymm0
  17f0:	jmp	4
  17f2:	vpxor	%xmm0, %xmm0, %xmm0
  17f6:	vpblendd	$32, %ymm0, %ymm8, %ymm8
  17fc:	cmpl	$1344, %esi
  1802:	jb	11
  1804:	vpbroadcastd	1340(%rdx), %ymm0
  180d:	jmp	4
  180f:	vpxor	%xmm0, %xmm0, %xmm0
  1813:	vblendps	$32, %ymm0, %ymm6, %ymm6
  1819:	kshiftrb	$6, %k0, %k3
  181f:	kmovd	%k3, %edx
  1823:	testb	$1, %dl
  1826:	je	125
  1828:	movq	(%rbx), %rdx
  182b:	movl	8(%rdx), %esi
  182e:	movq	(%rdx), %rdx
  1831:	cmpl	$1588, %esi
  1837:	jb	11
  1839:	vbroadcastss	1584(%rdx), %ymm0
  1842:	jmp	4
  1844:	vxorps	%xmm0, %xmm0, %xmm0
  1848:	vblendps	$64, %ymm0, %ymm5, %ymm5
  184e:	cmpl	$1592, %esi
  1854:	jb	11
  1856:	vbroadcastss	1588(%rdx), %ymm0
  185f:	jmp	4
  1861:	vxorps	%xmm0, %xmm0, %xmm0
  1865:	vpblendd	$64, %ymm0, %ymm7, %ymm7
  186b:	cmpl	$1596, %esi
  1871:	jb	11
  1873:	vpbroadcastd	1592(%rdx), %ymm0
  187c:	jmp	4
  187e:	vpxor	%xmm0, %xmm0, %xmm0
  1882:	vpblendd	$64, %ymm0, %ymm8, %ymm8
  1888:	cmpl	$1600, %esi
  188e:	jb	11
  1890:	vpbroadcastd	1596(%rdx), %ymm0
  1899:	jmp	4
  189b:	vpxor	%xmm0, %xmm0, %xmm0
  189f:	vblendps	$64, %ymm0, %ymm6, %ymm6
  18a5:	kshiftrb	$7, %k0, %k0
  18ab:	kmovd	%k0, %edx
  18af:	testb	$1, %dl
  18b2:	je	125
  18b4:	movq	(%rbx), %rdx
  18b7:	movl	8(%rdx), %esi
  18ba:	movq	(%rdx), %rdx
  18bd:	cmpl	$1844, %esi
  18c3:	jb	11
  18c5:	vbroadcastss	1840(%rdx), %ymm0
  18ce:	jmp	4
  18d0:	vxorps	%xmm0, %xmm0, %xmm0
  18d4:	vblendps	$128, %ymm0, %ymm5, %ymm5
  18da:	cmpl	$1848, %esi
  18e0:	jb	11
  18e2:	vbroadcastss	1844(%rdx), %ymm0
  18eb:	jmp	4
  18ed:	vxorps	%xmm0, %xmm0, %xmm0
  18f1:	vpblendd	$128, %ymm0, %ymm7, %ymm7
  18f7:	cmpl	$1852, %esi
  18fd:	jb	11
  18ff:	vpbroadcastd	1848(%rdx), %ymm0
  1908:	jmp	4
  190a:	vpxor	%xmm0, %xmm0, %xmm0
  190e:	vpblendd	$128, %ymm0, %ymm8, %ymm8
  1914:	cmpl	$1856, %esi
  191a:	jb	11
  191c:	vpbroadcastd	1852(%rdx), %ymm0
  1925:	jmp	4
  1927:	vpxor	%xmm0, %xmm0, %xmm0
  192b:	vblendps	$128, %ymm0, %ymm6, %ymm6
  1931:	vpermilps	$255, %xmm5, %xmm0
  1937:	vxorps	%xmm5, %xmm5, %xmm5
  193b:	vpshufd	$255, %xmm7, %xmm7
  1940:	vpermilps	$255, %xmm6, %xmm6
  1946:	movabsq	$139735223148596, %rdx
  1950:	vbroadcastsd	%xmm0, %ymm0
  1955:	vpbroadcastq	%xmm7, %ymm7
  195a:	vbroadcastsd	%xmm6, %ymm6
  195f:	vmovaps	%ymm5, %ymm0 {%k1}
  1965:	vmulps	%ymm0, %ymm4, %ymm0
  1969:	vmovaps	%ymm5, %ymm7 {%k1}
  196f:	vmovaps	%ymm5, %ymm6 {%k1}
  1975:	vaddps	%ymm3, %ymm0, %ymm0
  1979:	vmulps	%ymm0, %ymm7, %ymm0
  197d:	vpshufd	$255, %xmm8, %xmm7
  1983:	vpbroadcastq	%xmm7, %ymm7
  1988:	vaddps	%ymm3, %ymm0, %ymm0
  198c:	vmovaps	%ymm5, %ymm7 {%k1}
  1992:	vmulps	%ymm0, %ymm7, %ymm0
  1996:	vaddps	%ymm3, %ymm0, %ymm0
  199a:	vmulps	%ymm0, %ymm6, %ymm0
  199e:	vaddps	%ymm3, %ymm0, %ymm4 {%k2}
  19a4:	vpcmpnleud	(%rdx){1to8}, %ymm2, %k2
  19ab:	vptestmd	%ymm1, %ymm1, %k0 {%k2}
  19b1:	kortestb	%k0, %k0
  19b5:	je	15847
  19bb:	kmovd	%k0, %edx
  19bf:	vpxor	%xmm8, %xmm8, %xmm8
  19c4:	vxorps	%xmm7, %xmm7, %xmm7
  19c8:	vxorps	%xmm6, %xmm6, %xmm6
  19cc:	testb	$1, %dl
  19cf:	je	66
  19d1:	movq	(%rbx), %rdx
  19d4:	vxorps	%xmm7, %xmm7, %xmm7
  19d8:	vxorps	%xmm6, %xmm6, %xmm6
  19dc:	movl	8(%rdx), %esi
  19df:	movq	(%rdx), %rdx
  19e2:	cmpl	$68, %esi
  19e5:	jb	5
  19e7:	vmovss	64(%rdx), %xmm6
  19ec:	cmpl	$72, %esi
  19ef:	jb	5
  19f1:	vmovss	68(%rdx), %xmm7
  19f6:	vxorps	%xmm5, %xmm5, %xmm5
  19fa:	vpxor	%xmm8, %xmm8, %xmm8
  19ff:	cmpl	$76, %esi
  1a02:	jb	5
  1a04:	vmovd	72(%rdx), %xmm8
  1a09:	cmpl	$80, %esi
  1a0c:	jb	5
  1a0e:	vmovss	76(%rdx), %xmm5
  1a13:	kshiftrb	$1, %k0, %k3
  1a19:	kmovd	%k3, %edx
  1a1d:	testb	$1, %dl
  1a20:	je	171
  1a26:	movq	(%rbx), %rdx
  1a29:	movl	8(%rdx), %esi
  1a2c:	movq	(%rdx), %rdx
  1a2f:	cmpl	$324, %esi
  1a35:	jb	72
  1a37:	vpinsrd	$1, 320(%rdx), %xmm6, %xmm0
  1a41:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  1a47:	cmpl	$328, %esi
  1a4d:	jae	66
  1a4f:	vxorps	%xmm0, %xmm0, %xmm0
  1a53:	vblendps	$2, %ymm0, %ymm7, %ymm7
  1a59:	cmpl	$332, %esi
  1a5f:	jae	72
  1a61:	vpxor	%xmm0, %xmm0, %xmm0
  1a65:	vpblendd	$2, %ymm0, %ymm8, %ymm8
  1a6b:	cmpl	$336, %esi
  1a71:	jae	78
  1a73:	vpxor	%xmm0, %xmm0, %xmm0
  1a77:	vblendps	$2, %ymm0, %ymm5, %ymm5
  1a7d:	jmp	82
  1a7f:	vxorps	%xmm0, %xmm0, %xmm0
  1a83:	vblendps	$2, %ymm0, %ymm6, %ymm6
  1a89:	cmpl	$328, %esi
  1a8f:	jb	-66
  1a91:	vpinsrd	$1, 324(%rdx), %xmm7, %xmm0
  1a9b:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  1aa1:	cmpl	$332, %esi
  1aa7:	jb	-72
  1aa9:	vpinsrd	$1, 328(%rdx), %xmm8, %xmm0
  1ab3:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  1ab9:	cmpl	$336, %esi
  1abf:	jb	-78
  1ac1:	vpinsrd	$1, 332(%rdx), %xmm5, %xmm0
  1acb:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  1ad1:	kshiftrb	$2, %k0, %k3
  1ad7:	kmovd	%k3, %edx
  1adb:	testb	$1, %dl
  1ade:	je	171
  1ae4:	movq	(%rbx), %rdx
  1ae7:	movl	8(%rdx), %esi
  1aea:	movq	(%rdx), %rdx
  1aed:	cmpl	$580, %esi
  1af3:	jb	72
  1af5:	vpinsrd	$2, 576(%rdx), %xmm6, %xmm0
  1aff:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  1b05:	cmpl	$584, %esi
  1b0b:	jae	66
  1b0d:	vxorps	%xmm0, %xmm0, %xmm0
  1b11:	vpblendd	$4, %ymm0, %ymm7, %ymm7
  1b17:	cmpl	$588, %esi
  1b1d:	jae	72
  1b1f:	vpxor	%xmm0, %xmm0, %xmm0
  1b23:	vpblendd	$4, %ymm0, %ymm8, %ymm8
  1b29:	cmpl	$592, %esi
  1b2f:	jae	78
  1b31:	vpxor	%xmm0, %xmm0, %xmm0
  1b35:	vblendps	$4, %ymm0, %ymm5, %ymm5
  1b3b:	jmp	82
  1b3d:	vxorps	%xmm0, %xmm0, %xmm0
  1b41:	vblendps	$4, %ymm0, %ymm6, %ymm6
  1b47:	cmpl	$584, %esi
  1b4d:	jb	-66
  1b4f:	vpinsrd	$2, 580(%rdx), %xmm7, %xmm0
  1b59:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  1b5f:	cmpl	$588, %esi
  1b65:	jb	-72
  1b67:	vpinsrd	$2, 584(%rdx), %xmm8, %xmm0
  1b71:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  1b77:	cmpl	$592, %esi
  1b7d:	jb	-78
  1b7f:	vpinsrd	$2, 588(%rdx), %xmm5, %xmm0
  1b89:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  1b8f:	kshiftrb	$3, %k0, %k3
  1b95:	kmovd	%k3, %edx
  1b99:	testb	$1, %dl
  1b9c:	je	171
  1ba2:	movq	(%rbx), %rdx
  1ba5:	movl	8(%rdx), %esi
  1ba8:	movq	(%rdx), %rdx
  1bab:	cmpl	$836, %esi
  1bb1:	jb	72
  1bb3:	vpinsrd	$3, 832(%rdx), %xmm6, %xmm0
  1bbd:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  1bc3:	cmpl	$840, %esi
  1bc9:	jae	66
  1bcb:	vxorps	%xmm0, %xmm0, %xmm0
  1bcf:	vpblendd	$8, %ymm0, %ymm7, %ymm7
  1bd5:	cmpl	$844, %esi
  1bdb:	jae	72
  1bdd:	vpxor	%xmm0, %xmm0, %xmm0
  1be1:	vpblendd	$8, %ymm0, %ymm8, %ymm8
  1be7:	cmpl	$848, %esi
  1bed:	jae	78
  1bef:	vpxor	%xmm0, %xmm0, %xmm0
  1bf3:	vblendps	$8, %ymm0, %ymm5, %ymm5
  1bf9:	jmp	82
  1bfb:	vxorps	%xmm0, %xmm0, %xmm0
  1bff:	vblendps	$8, %ymm0, %ymm6, %ymm6
  1c05:	cmpl	$840, %esi
  1c0b:	jb	-66
  1c0d:	vpinsrd	$3, 836(%rdx), %xmm7, %xmm0
  1c17:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  1c1d:	cmpl	$844, %esi
  1c23:	jb	-72
  1c25:	vpinsrd	$3, 840(%rdx), %xmm8, %xmm0
  1c2f:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  1c35:	cmpl	$848, %esi
  1c3b:	jb	-78
  1c3d:	vpinsrd	$3, 844(%rdx), %xmm5, %xmm0
  1c47:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  1c4d:	kshiftrb	$4, %k0, %k3
  1c53:	kmovd	%k3, %edx
  1c57:	testb	$1, %dl
  1c5a:	je	125
  1c5c:	movq	(%rbx), %rdx
  1c5f:	movl	8(%rdx), %esi
  1c62:	movq	(%rdx), %rdx
  1c65:	cmpl	$1092, %esi
  1c6b:	jb	11
  1c6d:	vbroadcastss	1088(%rdx), %ymm0
  1c76:	jmp	4
  1c78:	vxorps	%xmm0, %xmm0, %xmm0
  1c7c:	vblendps	$16, %ymm0, %ymm6, %ymm6
  1c82:	cmpl	$1096, %esi
  1c88:	jb	11
  1c8a:	vbroadcastss	1092(%rdx), %ymm0
  1c93:	jmp	4
  1c95:	vxorps	%xmm0, %xmm0, %xmm0
  1c99:	vpblendd	$16, %ymm0, %ymm7, %ymm7
  1c9f:	cmpl	$1100, %esi
  1ca5:	jb	11
  1ca7:	vpbroadcastd	1096(%rdx), %ymm0
  1cb0:	jmp	4
  1cb2:	vpxor	%xmm0, %xmm0, %xmm0
  1cb6:	vpblendd	$16, %ymm0, %ymm8, %ymm8
  1cbc:	cmpl	$1104, %esi
  1cc2:	jb	11
  1cc4:	vpbroadcastd	1100(%rdx), %ymm0
  1ccd:	jmp	4
  1ccf:	vpxor	%xmm0, %xmm0, %xmm0
  1cd3:	vblendps	$16, %ymm0, %ymm5, %ymm5
  1cd9:	kshiftrb	$5, %k0, %k3
  1cdf:	kmovd	%k3, %edx
  1ce3:	testb	$1, %dl
  1ce6:	je	125
  1ce8:	movq	(%rbx), %rdx
  1ceb:	movl	8(%rdx), %esi
  1cee:	movq	(%rdx), %rdx
  1cf1:	cmpl	$1348, %esi
  1cf7:	jb	11
  1cf9:	vbroadcastss	1344(%rdx), %ymm0
  1d02:	jmp	4
  1d04:	vxorps	%xmm0, %xmm0, %xmm0
  1d08:	vblendps	$32, %ymm0, %ymm6, %ymm6
  1d0e:	cmpl	$1352, %esi
  1d14:	jb	11
  1d16:	vbroadcastss	1348(%rdx), %ymm0
  1d1f:	jmp	4
  1d21:	vxorps	%xmm0, %xmm0, %xmm0
  1d25:	vpblendd	$32, %ymm0, %ymm7, %ymm7
  1d2b:	cmpl	$1356, %esi
  1d31:	jb	11
  1d33:	vpbroadcastd	1352(%rdx), %ymm0
  1d3c:	jmp	4
  1d3e:	vpxor	%xmm0, %xmm0, %xmm0
  1d42:	vpblendd	$32, %ymm0, %ymm8, %ymm8
  1d48:	cmpl	$1360, %esi
  1d4e:	jb	11
  1d50:	vpbroadcastd	1356(%rdx), %ymm0
  1d59:	jmp	4
  1d5b:	vpxor	%xmm0, %xmm0, %xmm0
  1d5f:	vblendps	$32, %ymm0, %ymm5, %ymm5
  1d65:	kshiftrb	$6, %k0, %k3
  1d6b:	kmovd	%k3, %edx
  1d6f:	testb	$1, %dl
  1d72:	je	125
  1d74:	movq	(%rbx), %rdx
  1d77:	movl	8(%rdx), %esi
  1d7a:	movq	(%rdx), %rdx
  1d7d:	cmpl	$1604, %esi
  1d83:	jb	11
  1d85:	vbroadcastss	1600(%rdx), %ymm0
  1d8e:	jmp	4
  1d90:	vxorps	%xmm0, %xmm0, %xmm0
  1d94:	vblendps	$64, %ymm0, %ymm6, %ymm6
  1d9a:	cmpl	$1608, %esi
  1da0:	jb	11
  1da2:	vbroadcastss	1604(%rdx), %ymm0
  1dab:	jmp	4
  1dad:	vxorps	%xmm0, %xmm0, %xmm0
  1db1:	vpblendd	$64, %ymm0, %ymm7, %ymm7
  1db7:	cmpl	$1612, %esi
  1dbd:	jb	11
  1dbf:	vpbroadcastd	1608(%rdx), %ymm0
  1dc8:	jmp	4
  1dca:	vpxor	%xmm0, %xmm0, %xmm0
  1dce:	vpblendd	$64, %ymm0, %ymm8, %ymm8
  1dd4:	cmpl	$1616, %esi
  1dda:	jb	11
  1ddc:	vpbroadcastd	1612(%rdx), %ymm0
  1de5:	jmp	4
  1de7:	vpxor	%xmm0, %xmm0, %xmm0
  1deb:	vblendps	$64, %ymm0, %ymm5, %ymm5
  1df1:	kshiftrb	$7, %k0, %k0
  1df7:	kmovd	%k0, %edx
  1dfb:	testb	$1, %dl
  1dfe:	je	125
  1e00:	movq	(%rbx), %rdx
  1e03:	movl	8(%rdx), %esi
  1e06:	movq	(%rdx), %rdx
  1e09:	cmpl	$1860, %esi
  1e0f:	jb	11
  1e11:	vbroadcastss	1856(%rdx), %ymm0
  1e1a:	jmp	4
  1e1c:	vxorps	%xmm0, %xmm0, %xmm0
  1e20:	vblendps	$128, %ymm0, %ymm6, %ymm6
  1e26:	cmpl	$1864, %esi
  1e2c:	jb	11
  1e2e:	vbroadcastss	1860(%rdx), %ymm0
  1e37:	jmp	4
  1e39:	vxorps	%xmm0, %xmm0, %xmm0
  1e3d:	vpblendd	$128, %ymm0, %ymm7, %ymm7
  1e43:	cmpl	$1868, %esi
  1e49:	jb	11
  1e4b:	vpbroadcastd	1864(%rdx), %ymm0
  1e54:	jmp	4
  1e56:	vpxor	%xmm0, %xmm0, %xmm0
  1e5a:	vpblendd	$128, %ymm0, %ymm8, %ymm8
  1e60:	cmpl	$1872, %esi
  1e66:	jb	11
  1e68:	vpbroadcastd	1868(%rdx), %ymm0
  1e71:	jmp	4
  1e73:	vpxor	%xmm0, %xmm0, %xmm0
  1e77:	vblendps	$128, %ymm0, %ymm5, %ymm5
  1e7d:	vpermilps	$255, %xmm6, %xmm0
  1e83:	vxorps	%xmm6, %xmm6, %xmm6
  1e87:	vpshufd	$255, %xmm7, %xmm7
  1e8c:	vpermilps	$255, %xmm5, %xmm5
  1e92:	movabsq	$139735223148600, %rdx
  1e9c:	vbroadcastsd	%xmm0, %ymm0
  1ea1:	vpbroadcastq	%xmm7, %ymm7
  1ea6:	vbroadcastsd	%xmm5, %ymm5
  1eab:	vmovaps	%ymm6, %ymm0 {%k1}
  1eb1:	vmulps	%ymm0, %ymm4, %ymm0
  1eb5:	vmovaps	%ymm6, %ymm7 {%k1}
  1ebb:	vmovaps	%ymm6, %ymm5 {%k1}
  1ec1:	vaddps	%ymm3, %ymm0, %ymm0
  1ec5:	vmulps	%ymm0, %ymm7, %ymm0
  1ec9:	vpshufd	$255, %xmm8, %xmm7
  1ecf:	vpbroadcastq	%xmm7, %ymm7
  1ed4:	vaddps	%ymm3, %ymm0, %ymm0
  1ed8:	vmovaps	%ymm6, %ymm7 {%k1}
  1ede:	vmulps	%ymm0, %ymm7, %ymm0
  1ee2:	vaddps	%ymm3, %ymm0, %ymm0
  1ee6:	vmulps	%ymm0, %ymm5, %ymm0
  1eea:	vaddps	%ymm3, %ymm0, %ymm4 {%k2}
  1ef0:	vpcmpnleud	(%rdx){1to8}, %ymm2, %k2
  1ef7:	vptestmd	%ymm1, %ymm1, %k0 {%k2}
  1efd:	kortestb	%k0, %k0
  1f01:	je	14491
  1f07:	kmovd	%k0, %edx
  1f0b:	vpxor	%xmm8, %xmm8, %xmm8
  1f10:	vxorps	%xmm7, %xmm7, %xmm7
  1f14:	vxorps	%xmm5, %xmm5, %xmm5
  1f18:	testb	$1, %dl
  1f1b:	je	66
  1f1d:	movq	(%rbx), %rdx
  1f20:	vxorps	%xmm7, %xmm7, %xmm7
  1f24:	vxorps	%xmm5, %xmm5, %xmm5
  1f28:	movl	8(%rdx), %esi
  1f2b:	movq	(%rdx), %rdx
  1f2e:	cmpl	$84, %esi
  1f31:	jb	5
  1f33:	vmovss	80(%rdx), %xmm5
  1f38:	cmpl	$88, %esi
  1f3b:	jb	5
  1f3d:	vmovss	84(%rdx), %xmm7
  1f42:	vxorps	%xmm6, %xmm6, %xmm6
  1f46:	vpxor	%xmm8, %xmm8, %xmm8
  1f4b:	cmpl	$92, %esi
  1f4e:	jb	5
  1f50:	vmovd	88(%rdx), %xmm8
  1f55:	cmpl	$96, %esi
  1f58:	jb	5
  1f5a:	vmovss	92(%rdx), %xmm6
  1f5f:	kshiftrb	$1, %k0, %k3
  1f65:	kmovd	%k3, %edx
  1f69:	testb	$1, %dl
  1f6c:	je	153
  1f72:	movq	(%rbx), %rdx
  1f75:	movl	8(%rdx), %esi
  1f78:	movq	(%rdx), %rdx
  1f7b:	cmpl	$340, %esi
  1f81:	jb	18
  1f83:	vpinsrd	$1, 336(%rdx), %xmm5, %xmm0
  1f8d:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  1f93:	jmp	10
  1f95:	vxorps	%xmm0, %xmm0, %xmm0
  1f99:	vblendps	$2, %ymm0, %ymm5, %ymm5
  1f9f:	cmpl	$344, %esi
  1fa5:	jb	18
  1fa7:	vpinsrd	$1, 340(%rdx), %xmm7, %xmm0
  1fb1:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  1fb7:	jmp	10
  1fb9:	vxorps	%xmm0, %xmm0, %xmm0
  1fbd:	vblendps	$2, %ymm0, %ymm7, %ymm7
  1fc3:	cmpl	$348, %esi
  1fc9:	jb	18
  1fcb:	vpinsrd	$1, 344(%rdx), %xmm8, %xmm0
  1fd5:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  1fdb:	jmp	10
  1fdd:	vxorps	%xmm0, %xmm0, %xmm0
  1fe1:	vpblendd	$2, %ymm0, %ymm8, %ymm8
  1fe7:	cmpl	$352, %esi
  1fed:	jb	18
  1fef:	vpinsrd	$1, 348(%rdx), %xmm6, %xmm0
  1ff9:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  1fff:	jmp	10
  2001:	vxorps	%xmm0, %xmm0, %xmm0
  2005:	vblendps	$2, %ymm0, %ymm6, %ymm6
  200b:	kshiftrb	$2, %k0, %k3
  2011:	kmovd	%k3, %edx
  2015:	testb	$1, %dl
  2018:	je	153
  201e:	movq	(%rbx), %rdx
  2021:	movl	8(%rdx), %esi
  2024:	movq	(%rdx), %rdx
  2027:	cmpl	$596, %esi
  202d:	jb	18
  202f:	vpinsrd	$2, 592(%rdx), %xmm5, %xmm0
  2039:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  203f:	jmp	10
  2041:	vxorps	%xmm0, %xmm0, %xmm0
  2045:	vblendps	$4, %ymm0, %ymm5, %ymm5
  204b:	cmpl	$600, %esi
  2051:	jb	18
  2053:	vpinsrd	$2, 596(%rdx), %xmm7, %xmm0
  205d:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  2063:	jmp	10
  2065:	vxorps	%xmm0, %xmm0, %xmm0
  2069:	vblendps	$4, %ymm0, %ymm7, %ymm7
  206f:	cmpl	$604, %esi
  2075:	jb	18
  2077:	vpinsrd	$2, 600(%rdx), %xmm8, %xmm0
  2081:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  2087:	jmp	10
  2089:	vxorps	%xmm0, %xmm0, %xmm0
  208d:	vpblendd	$4, %ymm0, %ymm8, %ymm8
  2093:	cmpl	$608, %esi
  2099:	jb	18
  209b:	vpinsrd	$2, 604(%rdx), %xmm6, %xmm0
  20a5:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  20ab:	jmp	10
  20ad:	vxorps	%xmm0, %xmm0, %xmm0
  20b1:	vblendps	$4, %ymm0, %ymm6, %ymm6
  20b7:	kshiftrb	$3, %k0, %k3
  20bd:	kmovd	%k3, %edx
  20c1:	testb	$1, %dl
  20c4:	je	153
  20ca:	movq	(%rbx), %rdx
  20cd:	movl	8(%rdx), %esi
  20d0:	movq	(%rdx), %rdx
  20d3:	cmpl	$852, %esi
  20d9:	jb	18
  20db:	vpinsrd	$3, 848(%rdx), %xmm5, %xmm0
  20e5:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  20eb:	jmp	10
  20ed:	vxorps	%xmm0, %xmm0, %xmm0
  20f1:	vblendps	$8, %ymm0, %ymm5, %ymm5
  20f7:	cmpl	$856, %esi
  20fd:	jb	18
  20ff:	vpinsrd	$3, 852(%rdx), %xmm7, %xmm0
  2109:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  210f:	jmp	10
  2111:	vxorps	%xmm0, %xmm0, %xmm0
  2115:	vblendps	$8, %ymm0, %ymm7, %ymm7
  211b:	cmpl	$860, %esi
  2121:	jb	18
  2123:	vpinsrd	$3, 856(%rdx), %xmm8, %xmm0
  212d:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  2133:	jmp	10
  2135:	vxorps	%xmm0, %xmm0, %xmm0
  2139:	vpblendd	$8, %ymm0, %ymm8, %ymm8
  213f:	cmpl	$864, %esi
  2145:	jb	18
  2147:	vpinsrd	$3, 860(%rdx), %xmm6, %xmm0
  2151:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  2157:	jmp	10
  2159:	vxorps	%xmm0, %xmm0, %xmm0
  215d:	vblendps	$8, %ymm0, %ymm6, %ymm6
  2163:	kshiftrb	$4, %k0, %k3
  2169:	kmovd	%k3, %edx
  216d:	testb	$1, %dl
  2170:	je	125
  2172:	movq	(%rbx), %rdx
  2175:	movl	8(%rdx), %esi
  2178:	movq	(%rdx), %rdx
  217b:	cmpl	$1108, %esi
  2181:	jb	11
  2183:	vbroadcastss	1104(%rdx), %ymm0
  218c:	jmp	4
  218e:	vxorps	%xmm0, %xmm0, %xmm0
  2192:	vblendps	$16, %ymm0, %ymm5, %ymm5
  2198:	cmpl	$1112, %esi
  219e:	jb	11
  21a0:	vbroadcastss	1108(%rdx), %ymm0
  21a9:	jmp	4
  21ab:	vxorps	%xmm0, %xmm0, %xmm0
  21af:	vblendps	$16, %ymm0, %ymm7, %ymm7
  21b5:	cmpl	$1116, %esi
  21bb:	jb	11
  21bd:	vbroadcastss	1112(%rdx), %ymm0
  21c6:	jmp	4
  21c8:	vxorps	%xmm0, %xmm0, %xmm0
  21cc:	vpblendd	$16, %ymm0, %ymm8, %ymm8
  21d2:	cmpl	$1120, %esi
  21d8:	jb	11
  21da:	vbroadcastss	1116(%rdx), %ymm0
  21e3:	jmp	4
  21e5:	vxorps	%xmm0, %xmm0, %xmm0
  21e9:	vblendps	$16, %ymm0, %ymm6, %ymm6
  21ef:	kshiftrb	$5, %k0, %k3
  21f5:	kmovd	%k3, %edx
  21f9:	testb	$1, %dl
  21fc:	je	125
  21fe:	movq	(%rbx), %rdx
  2201:	movl	8(%rdx), %esi
  2204:	movq	(%rdx), %rdx
  2207:	cmpl	$1364, %esi
  220d:	jb	11
  220f:	vbroadcastss	1360(%rdx), %ymm0
  2218:	jmp	4
  221a:	vxorps	%xmm0, %xmm0, %xmm0
  221e:	vblendps	$32, %ymm0, %ymm5, %ymm5
  2224:	cmpl	$1368, %esi
  222a:	jb	11
  222c:	vbroadcastss	1364(%rdx), %ymm0
  2235:	jmp	4
  2237:	vxorps	%xmm0, %xmm0, %xmm0
  223b:	vblendps	$32, %ymm0, %ymm7, %ymm7
  2241:	cmpl	$1372, %esi
  2247:	jb	11
  2249:	vbroadcastss	1368(%rdx), %ymm0
  2252:	jmp	4
  2254:	vxorps	%xmm0, %xmm0, %xmm0
  2258:	vpblendd	$32, %ymm0, %ymm8, %ymm8
  225e:	cmpl	$1376, %esi
  2264:	jb	11
  2266:	vbroadcastss	1372(%rdx), %ymm0
  226f:	jmp	4
  2271:	vxorps	%xmm0, %xmm0, %xmm0
  2275:	vblendps	$32, %ymm0, %ymm6, %ymm6
  227b:	kshiftrb	$6, %k0, %k3
  2281:	kmovd	%k3, %edx
  2285:	testb	$1, %dl
  2288:	je	125
  228a:	movq	(%rbx), %rdx
  228d:	movl	8(%rdx), %esi
  2290:	movq	(%rdx), %rdx
  2293:	cmpl	$1620, %esi
  2299:	jb	11
  229b:	vbroadcastss	1616(%rdx), %ymm0
  22a4:	jmp	4
  22a6:	vxorps	%xmm0, %xmm0, %xmm0
  22aa:	vblendps	$64, %ymm0, %ymm5, %ymm5
  22b0:	cmpl	$1624, %esi
  22b6:	jb	11
  22b8:	vbroadcastss	1620(%rdx), %ymm0
  22c1:	jmp	4
  22c3:	vxorps	%xmm0, %xmm0, %xmm0
  22c7:	vblendps	$64, %ymm0, %ymm7, %ymm7
  22cd:	cmpl	$1628, %esi
  22d3:	jb	11
  22d5:	vbroadcastss	1624(%rdx), %ymm0
  22de:	jmp	4
  22e0:	vxorps	%xmm0, %xmm0, %xmm0
  22e4:	vpblendd	$64, %ymm0, %ymm8, %ymm8
  22ea:	cmpl	$1632, %esi
  22f0:	jb	11
  22f2:	vbroadcastss	1628(%rdx), %ymm0
  22fb:	jmp	4
  22fd:	vxorps	%xmm0, %xmm0, %xmm0
  2301:	vblendps	$64, %ymm0, %ymm6, %ymm6
  2307:	kshiftrb	$7, %k0, %k0
  230d:	kmovd	%k0, %edx
  2311:	testb	$1, %dl
  2314:	je	125
  2316:	movq	(%rbx), %rdx
  2319:	movl	8(%rdx), %esi
  231c:	movq	(%rdx), %rdx
  231f:	cmpl	$1876, %esi
  2325:	jb	11
  2327:	vbroadcastss	1872(%rdx), %ymm0
  2330:	jmp	4
  2332:	vxorps	%xmm0, %xmm0, %xmm0
  2336:	vblendps	$128, %ymm0, %ymm5, %ymm5
  233c:	cmpl	$1880, %esi
  2342:	jb	11
  2344:	vbroadcastss	1876(%rdx), %ymm0
  234d:	jmp	4
  234f:	vxorps	%xmm0, %xmm0, %xmm0
  2353:	vblendps	$128, %ymm0, %ymm7, %ymm7
  2359:	cmpl	$1884, %esi
  235f:	jb	11
  2361:	vbroadcastss	1880(%rdx), %ymm0
  236a:	jmp	4
  236c:	vxorps	%xmm0, %xmm0, %xmm0
  2370:	vpblendd	$128, %ymm0, %ymm8, %ymm8
  2376:	cmpl	$1888, %esi
  237c:	jb	11
  237e:	vbroadcastss	1884(%rdx), %ymm0
  2387:	jmp	4
  2389:	vxorps	%xmm0, %xmm0, %xmm0
  238d:	vblendps	$128, %ymm0, %ymm6, %ymm6
  2393:	vpermilps	$255, %xmm5, %xmm0
  2399:	vxorps	%xmm5, %xmm5, %xmm5
  239d:	vpermilps	$255, %xmm7, %xmm7
  23a3:	vpermilps	$255, %xmm6, %xmm6
  23a9:	movabsq	$139735223148604, %rdx
  23b3:	vbroadcastsd	%xmm0, %ymm0
  23b8:	vbroadcastsd	%xmm7, %ymm7
  23bd:	vbroadcastsd	%xmm6, %ymm6
  23c2:	vmovaps	%ymm5, %ymm0 {%k1}
  23c8:	vmulps	%ymm0, %ymm4, %ymm0
  23cc:	vmovaps	%ymm5, %ymm7 {%k1}
  23d2:	vmovaps	%ymm5, %ymm6 {%k1}
  23d8:	vaddps	%ymm3, %ymm0, %ymm0
  23dc:	vmulps	%ymm0, %ymm7, %ymm0
  23e0:	vpshufd	$255, %xmm8, %xmm7
  23e6:	vpbroadcastq	%xmm7, %ymm7
  23eb:	vaddps	%ymm3, %ymm0, %ymm0
  23ef:	vmovaps	%ymm5, %ymm7 {%k1}
  23f5:	vmulps	%ymm0, %ymm7, %ymm0
  23f9:	vaddps	%ymm3, %ymm0, %ymm0
  23fd:	vmulps	%ymm0, %ymm6, %ymm0
  2401:	vaddps	%ymm3, %ymm0, %ymm4 {%k2}
  2407:	vpcmpnleud	(%rdx){1to8}, %ymm2, %k2
  240e:	vptestmd	%ymm1, %ymm1, %k0 {%k2}
  2414:	kortestb	%k0, %k0
  2418:	je	13188
  241e:	kmovd	%k0, %edx
  2422:	vpxor	%xmm8, %xmm8, %xmm8
  2427:	vxorps	%xmm7, %xmm7, %xmm7
  242b:	vxorps	%xmm6, %xmm6, %xmm6
  242f:	testb	$1, %dl
  2432:	je	66
  2434:	movq	(%rbx), %rdx
  2437:	vxorps	%xmm7, %xmm7, %xmm7
  243b:	vxorps	%xmm6, %xmm6, %xmm6
  243f:	movl	8(%rdx), %esi
  2442:	movq	(%rdx), %rdx
  2445:	cmpl	$100, %esi
  2448:	jb	5
  244a:	vmovss	96(%rdx), %xmm6
  244f:	cmpl	$104, %esi
  2452:	jb	5
  2454:	vmovss	100(%rdx), %xmm7
  2459:	vxorps	%xmm5, %xmm5, %xmm5
  245d:	vpxor	%xmm8, %xmm8, %xmm8
  2462:	cmpl	$108, %esi
  2465:	jb	5
  2467:	vmovd	104(%rdx), %xmm8
  246c:	cmpl	$112, %esi
  246f:	jb	5
  2471:	vmovss	108(%rdx), %xmm5
  2476:	kshiftrb	$1, %k0, %k3
  247c:	kmovd	%k3, %edx
  2480:	testb	$1, %dl
  2483:	je	153
  2489:	movq	(%rbx), %rdx
  248c:	movl	8(%rdx), %esi
  248f:	movq	(%rdx), %rdx
  2492:	cmpl	$356, %esi
  2498:	jb	18
  249a:	vpinsrd	$1, 352(%rdx), %xmm6, %xmm0
  24a4:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  24aa:	jmp	10
  24ac:	vxorps	%xmm0, %xmm0, %xmm0
  24b0:	vblendps	$2, %ymm0, %ymm6, %ymm6
  24b6:	cmpl	$360, %esi
  24bc:	jb	18
  24be:	vpinsrd	$1, 356(%rdx), %xmm7, %xmm0
  24c8:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  24ce:	jmp	10
  24d0:	vxorps	%xmm0, %xmm0, %xmm0
  24d4:	vblendps	$2, %ymm0, %ymm7, %ymm7
  24da:	cmpl	$364, %esi
  24e0:	jb	18
  24e2:	vpinsrd	$1, 360(%rdx), %xmm8, %xmm0
  24ec:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  24f2:	jmp	10
  24f4:	vxorps	%xmm0, %xmm0, %xmm0
  24f8:	vpblendd	$2, %ymm0, %ymm8, %ymm8
  24fe:	cmpl	$368, %esi
  2504:	jb	18
  2506:	vpinsrd	$1, 364(%rdx), %xmm5, %xmm0
  2510:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  2516:	jmp	10
  2518:	vxorps	%xmm0, %xmm0, %xmm0
  251c:	vblendps	$2, %ymm0, %ymm5, %ymm5
  2522:	kshiftrb	$2, %k0, %k3
  2528:	kmovd	%k3, %edx
  252c:	testb	$1, %dl
  252f:	je	153
  2535:	movq	(%rbx), %rdx
  2538:	movl	8(%rdx), %esi
  253b:	movq	(%rdx), %rdx
  253e:	cmpl	$612, %esi
  2544:	jb	18
  2546:	vpinsrd	$2, 608(%rdx), %xmm6, %xmm0
  2550:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  2556:	jmp	10
  2558:	vxorps	%xmm0, %xmm0, %xmm0
  255c:	vblendps	$4, %ymm0, %ymm6, %ymm6
  2562:	cmpl	$616, %esi
  2568:	jb	18
  256a:	vpinsrd	$2, 612(%rdx), %xmm7, %xmm0
  2574:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  257a:	jmp	10
  257c:	vxorps	%xmm0, %xmm0, %xmm0
  2580:	vblendps	$4, %ymm0, %ymm7, %ymm7
  2586:	cmpl	$620, %esi
  258c:	jb	18
  258e:	vpinsrd	$2, 616(%rdx), %xmm8, %xmm0
  2598:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  259e:	jmp	10
  25a0:	vxorps	%xmm0, %xmm0, %xmm0
  25a4:	vpblendd	$4, %ymm0, %ymm8, %ymm8
  25aa:	cmpl	$624, %esi
  25b0:	jb	18
  25b2:	vpinsrd	$2, 620(%rdx), %xmm5, %xmm0
  25bc:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  25c2:	jmp	10
  25c4:	vxorps	%xmm0, %xmm0, %xmm0
  25c8:	vblendps	$4, %ymm0, %ymm5, %ymm5
  25ce:	kshiftrb	$3, %k0, %k3
  25d4:	kmovd	%k3, %edx
  25d8:	testb	$1, %dl
  25db:	je	153
  25e1:	movq	(%rbx), %rdx
  25e4:	movl	8(%rdx), %esi
  25e7:	movq	(%rdx), %rdx
  25ea:	cmpl	$868, %esi
  25f0:	jb	18
  25f2:	vpinsrd	$3, 864(%rdx), %xmm6, %xmm0
  25fc:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  2602:	jmp	10
  2604:	vxorps	%xmm0, %xmm0, %xmm0
  2608:	vblendps	$8, %ymm0, %ymm6, %ymm6
  260e:	cmpl	$872, %esi
  2614:	jb	18
  2616:	vpinsrd	$3, 868(%rdx), %xmm7, %xmm0
  2620:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  2626:	jmp	10
  2628:	vxorps	%xmm0, %xmm0, %xmm0
  262c:	vblendps	$8, %ymm0, %ymm7, %ymm7
  2632:	cmpl	$876, %esi
  2638:	jb	18
  263a:	vpinsrd	$3, 872(%rdx), %xmm8, %xmm0
  2644:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  264a:	jmp	10
  264c:	vxorps	%xmm0, %xmm0, %xmm0
  2650:	vpblendd	$8, %ymm0, %ymm8, %ymm8
  2656:	cmpl	$880, %esi
  265c:	jb	18
  265e:	vpinsrd	$3, 876(%rdx), %xmm5, %xmm0
  2668:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  266e:	jmp	10
  2670:	vxorps	%xmm0, %xmm0, %xmm0
  2674:	vblendps	$8, %ymm0, %ymm5, %ymm5
  267a:	kshiftrb	$4, %k0, %k3
  2680:	kmovd	%k3, %edx
  2684:	testb	$1, %dl
  2687:	je	125
  2689:	movq	(%rbx), %rdx
  268c:	movl	8(%rdx), %esi
  268f:	movq	(%rdx), %rdx
  2692:	cmpl	$1124, %esi
  2698:	jb	11
  269a:	vbroadcastss	1120(%rdx), %ymm0
  26a3:	jmp	4
  26a5:	vxorps	%xmm0, %xmm0, %xmm0
  26a9:	vblendps	$16, %ymm0, %ymm6, %ymm6
  26af:	cmpl	$1128, %esi
  26b5:	jb	11
  26b7:	vbroadcastss	1124(%rdx), %ymm0
  26c0:	jmp	4
  26c2:	vxorps	%xmm0, %xmm0, %xmm0
  26c6:	vblendps	$16, %ymm0, %ymm7, %ymm7
  26cc:	cmpl	$1132, %esi
  26d2:	jb	11
  26d4:	vbroadcastss	1128(%rdx), %ymm0
  26dd:	jmp	4
  26df:	vxorps	%xmm0, %xmm0, %xmm0
  26e3:	vpblendd	$16, %ymm0, %ymm8, %ymm8
  26e9:	cmpl	$1136, %esi
  26ef:	jb	11
  26f1:	vbroadcastss	1132(%rdx), %ymm0
  26fa:	jmp	4
  26fc:	vxorps	%xmm0, %xmm0, %xmm0
  2700:	vblendps	$16, %ymm0, %ymm5, %ymm5
  2706:	kshiftrb	$5, %k0, %k3
  270c:	kmovd	%k3, %edx
  2710:	testb	$1, %dl
  2713:	je	125
  2715:	movq	(%rbx), %rdx
  2718:	movl	8(%rdx), %esi
  271b:	movq	(%rdx), %rdx
  271e:	cmpl	$1380, %esi
  2724:	jb	11
  2726:	vbroadcastss	1376(%rdx), %ymm0
  272f:	jmp	4
  2731:	vxorps	%xmm0, %xmm0, %xmm0
  2735:	vblendps	$32, %ymm0, %ymm6, %ymm6
  273b:	cmpl	$1384, %esi
  2741:	jb	11
  2743:	vbroadcastss	1380(%rdx), %ymm0
  274c:	jmp	4
  274e:	vxorps	%xmm0, %xmm0, %xmm0
  2752:	vblendps	$32, %ymm0, %ymm7, %ymm7
  2758:	cmpl	$1388, %esi
  275e:	jb	11
  2760:	vbroadcastss	1384(%rdx), %ymm0
  2769:	jmp	4
  276b:	vxorps	%xmm0, %xmm0, %xmm0
  276f:	vpblendd	$32, %ymm0, %ymm8, %ymm8
  2775:	cmpl	$1392, %esi
  277b:	jb	11
  277d:	vbroadcastss	1388(%rdx), %ymm0
  2786:	jmp	4
  2788:	vxorps	%xmm0, %xmm0, %xmm0
  278c:	vblendps	$32, %ymm0, %ymm5, %ymm5
  2792:	kshiftrb	$6, %k0, %k3
  2798:	kmovd	%k3, %edx
  279c:	testb	$1, %dl
  279f:	je	125
  27a1:	movq	(%rbx), %rdx
  27a4:	movl	8(%rdx), %esi
  27a7:	movq	(%rdx), %rdx
  27aa:	cmpl	$1636, %esi
  27b0:	jb	11
  27b2:	vbroadcastss	1632(%rdx), %ymm0
  27bb:	jmp	4
  27bd:	vxorps	%xmm0, %xmm0, %xmm0
  27c1:	vblendps	$64, %ymm0, %ymm6, %ymm6
  27c7:	cmpl	$1640, %esi
  27cd:	jb	11
  27cf:	vbroadcastss	1636(%rdx), %ymm0
  27d8:	jmp	4
  27da:	vxorps	%xmm0, %xmm0, %xmm0
  27de:	vblendps	$64, %ymm0, %ymm7, %ymm7
  27e4:	cmpl	$1644, %esi
  27ea:	jb	11
  27ec:	vbroadcastss	1640(%rdx), %ymm0
  27f5:	jmp	4
  27f7:	vxorps	%xmm0, %xmm0, %xmm0
  27fb:	vpblendd	$64, %ymm0, %ymm8, %ymm8
  2801:	cmpl	$1648, %esi
  2807:	jb	11
  2809:	vbroadcastss	1644(%rdx), %ymm0
  2812:	jmp	4
  2814:	vxorps	%xmm0, %xmm0, %xmm0
  2818:	vblendps	$64, %ymm0, %ymm5, %ymm5
  281e:	kshiftrb	$7, %k0, %k0
  2824:	kmovd	%k0, %edx
  2828:	testb	$1, %dl
  282b:	je	125
  282d:	movq	(%rbx), %rdx
  2830:	movl	8(%rdx), %esi
  2833:	movq	(%rdx), %rdx
  2836:	cmpl	$1892, %esi
  283c:	jb	11
  283e:	vbroadcastss	1888(%rdx), %ymm0
  2847:	jmp	4
  2849:	vxorps	%xmm0, %xmm0, %xmm0
  284d:	vblendps	$128, %ymm0, %ymm6, %ymm6
  2853:	cmpl	$1896, %esi
  2859:	jb	11
  285b:	vbroadcastss	1892(%rdx), %ymm0
  2864:	jmp	4
  2866:	vxorps	%xmm0, %xmm0, %xmm0
  286a:	vblendps	$128, %ymm0, %ymm7, %ymm7
  2870:	cmpl	$1900, %esi
  2876:	jb	11
  2878:	vbroadcastss	1896(%rdx), %ymm0
  2881:	jmp	4
  2883:	vxorps	%xmm0, %xmm0, %xmm0
  2887:	vpblendd	$128, %ymm0, %ymm8, %ymm8
  288d:	cmpl	$1904, %esi
  2893:	jb	11
  2895:	vbroadcastss	1900(%rdx), %ymm0
  289e:	jmp	4
  28a0:	vxorps	%xmm0, %xmm0, %xmm0
  28a4:	vblendps	$128, %ymm0, %ymm5, %ymm5
  28aa:	vpermilps	$255, %xmm6, %xmm0
  28b0:	vxorps	%xmm6, %xmm6, %xmm6
  28b4:	vpermilps	$255, %xmm7, %xmm7
  28ba:	vpermilps	$255, %xmm5, %xmm5
  28c0:	movabsq	$139735223148608, %rdx
  28ca:	vbroadcastsd	%xmm0, %ymm0
  28cf:	vbroadcastsd	%xmm7, %ymm7
  28d4:	vbroadcastsd	%xmm5, %ymm5
  28d9:	vmovaps	%ymm6, %ymm0 {%k1}
  28df:	vmulps	%ymm0, %ymm4, %ymm0
  28e3:	vmovaps	%ymm6, %ymm7 {%k1}
  28e9:	vmovaps	%ymm6, %ymm5 {%k1}
  28ef:	vaddps	%ymm3, %ymm0, %ymm0
  28f3:	vmulps	%ymm0, %ymm7, %ymm0
  28f7:	vpshufd	$255, %xmm8, %xmm7
  28fd:	vpbroadcastq	%xmm7, %ymm7
  2902:	vaddps	%ymm3, %ymm0, %ymm0
  2906:	vmovaps	%ymm6, %ymm7 {%k1}
  290c:	vmulps	%ymm0, %ymm7, %ymm0
  2910:	vaddps	%ymm3, %ymm0, %ymm0
  2914:	vmulps	%ymm0, %ymm5, %ymm0
  2918:	vaddps	%ymm3, %ymm0, %ymm4 {%k2}
  291e:	vpcmpnleud	(%rdx){1to8}, %ymm2, %k2
  2925:	vptestmd	%ymm1, %ymm1, %k0 {%k2}
  292b:	kortestb	%k0, %k0
  292f:	je	11885
  2935:	kmovd	%k0, %edx
  2939:	vpxor	%xmm8, %xmm8, %xmm8
  293e:	vxorps	%xmm7, %xmm7, %xmm7
  2942:	vxorps	%xmm5, %xmm5, %xmm5
  2946:	testb	$1, %dl
  2949:	je	69
  294b:	movq	(%rbx), %rdx
  294e:	vxorps	%xmm7, %xmm7, %xmm7
  2952:	vxorps	%xmm5, %xmm5, %xmm5
  2956:	movl	8(%rdx), %esi
  2959:	movq	(%rdx), %rdx
  295c:	cmpl	$116, %esi
  295f:	jb	5
  2961:	vmovss	112(%rdx), %xmm5
  2966:	cmpl	$120, %esi
  2969:	jb	5
  296b:	vmovss	116(%rdx), %xmm7
  2970:	vxorps	%xmm6, %xmm6, %xmm6
  2974:	vpxor	%xmm8, %xmm8, %xmm8
  2979:	cmpl	$124, %esi
  297c:	jb	5
  297e:	vmovd	120(%rdx), %xmm8
  2983:	cmpl	$128, %esi
  2989:	jb	5
  298b:	vmovss	124(%rdx), %xmm6
  2990:	kshiftrb	$1, %k0, %k3
  2996:	kmovd	%k3, %edx
  299a:	testb	$1, %dl
  299d:	je	153
  29a3:	movq	(%rbx), %rdx
  29a6:	movl	8(%rdx), %esi
  29a9:	movq	(%rdx), %rdx
  29ac:	cmpl	$372, %esi
  29b2:	jb	18
  29b4:	vpinsrd	$1, 368(%rdx), %xmm5, %xmm0
  29be:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  29c4:	jmp	10
  29c6:	vxorps	%xmm0, %xmm0, %xmm0
  29ca:	vblendps	$2, %ymm0, %ymm5, %ymm5
  29d0:	cmpl	$376, %esi
  29d6:	jb	18
  29d8:	vpinsrd	$1, 372(%rdx), %xmm7, %xmm0
  29e2:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  29e8:	jmp	10
  29ea:	vxorps	%xmm0, %xmm0, %xmm0
  29ee:	vblendps	$2, %ymm0, %ymm7, %ymm7
  29f4:	cmpl	$380, %esi
  29fa:	jb	18
  29fc:	vpinsrd	$1, 376(%rdx), %xmm8, %xmm0
  2a06:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  2a0c:	jmp	10
  2a0e:	vxorps	%xmm0, %xmm0, %xmm0
  2a12:	vpblendd	$2, %ymm0, %ymm8, %ymm8
  2a18:	cmpl	$384, %esi
  2a1e:	jb	18
  2a20:	vpinsrd	$1, 380(%rdx), %xmm6, %xmm0
  2a2a:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  2a30:	jmp	10
  2a32:	vxorps	%xmm0, %xmm0, %xmm0
  2a36:	vblendps	$2, %ymm0, %ymm6, %ymm6
  2a3c:	kshiftrb	$2, %k0, %k3
  2a42:	kmovd	%k3, %edx
  2a46:	testb	$1, %dl
  2a49:	je	153
  2a4f:	movq	(%rbx), %rdx
  2a52:	movl	8(%rdx), %esi
  2a55:	movq	(%rdx), %rdx
  2a58:	cmpl	$628, %esi
  2a5e:	jb	18
  2a60:	vpinsrd	$2, 624(%rdx), %xmm5, %xmm0
  2a6a:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  2a70:	jmp	10
  2a72:	vxorps	%xmm0, %xmm0, %xmm0
  2a76:	vblendps	$4, %ymm0, %ymm5, %ymm5
  2a7c:	cmpl	$632, %esi
  2a82:	jb	18
  2a84:	vpinsrd	$2, 628(%rdx), %xmm7, %xmm0
  2a8e:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  2a94:	jmp	10
  2a96:	vxorps	%xmm0, %xmm0, %xmm0
  2a9a:	vblendps	$4, %ymm0, %ymm7, %ymm7
  2aa0:	cmpl	$636, %esi
  2aa6:	jb	18
  2aa8:	vpinsrd	$2, 632(%rdx), %xmm8, %xmm0
  2ab2:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  2ab8:	jmp	10
  2aba:	vxorps	%xmm0, %xmm0, %xmm0
  2abe:	vpblendd	$4, %ymm0, %ymm8, %ymm8
  2ac4:	cmpl	$640, %esi
  2aca:	jb	18
  2acc:	vpinsrd	$2, 636(%rdx), %xmm6, %xmm0
  2ad6:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  2adc:	jmp	10
  2ade:	vxorps	%xmm0, %xmm0, %xmm0
  2ae2:	vblendps	$4, %ymm0, %ymm6, %ymm6
  2ae8:	kshiftrb	$3, %k0, %k3
  2aee:	kmovd	%k3, %edx
  2af2:	testb	$1, %dl
  2af5:	je	153
  2afb:	movq	(%rbx), %rdx
  2afe:	movl	8(%rdx), %esi
  2b01:	movq	(%rdx), %rdx
  2b04:	cmpl	$884, %esi
  2b0a:	jb	18
  2b0c:	vpinsrd	$3, 880(%rdx), %xmm5, %xmm0
  2b16:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  2b1c:	jmp	10
  2b1e:	vxorps	%xmm0, %xmm0, %xmm0
  2b22:	vblendps	$8, %ymm0, %ymm5, %ymm5
  2b28:	cmpl	$888, %esi
  2b2e:	jb	18
  2b30:	vpinsrd	$3, 884(%rdx), %xmm7, %xmm0
  2b3a:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  2b40:	jmp	10
  2b42:	vxorps	%xmm0, %xmm0, %xmm0
  2b46:	vblendps	$8, %ymm0, %ymm7, %ymm7
  2b4c:	cmpl	$892, %esi
  2b52:	jb	18
  2b54:	vpinsrd	$3, 888(%rdx), %xmm8, %xmm0
  2b5e:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  2b64:	jmp	10
  2b66:	vxorps	%xmm0, %xmm0, %xmm0
  2b6a:	vpblendd	$8, %ymm0, %ymm8, %ymm8
  2b70:	cmpl	$896, %esi
  2b76:	jb	18
  2b78:	vpinsrd	$3, 892(%rdx), %xmm6, %xmm0
  2b82:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  2b88:	jmp	10
  2b8a:	vxorps	%xmm0, %xmm0, %xmm0
  2b8e:	vblendps	$8, %ymm0, %ymm6, %ymm6
  2b94:	kshiftrb	$4, %k0, %k3
  2b9a:	kmovd	%k3, %edx
  2b9e:	testb	$1, %dl
  2ba1:	je	125
  2ba3:	movq	(%rbx), %rdx
  2ba6:	movl	8(%rdx), %esi
  2ba9:	movq	(%rdx), %rdx
  2bac:	cmpl	$1140, %esi
  2bb2:	jb	11
  2bb4:	vbroadcastss	1136(%rdx), %ymm0
  2bbd:	jmp	4
  2bbf:	vxorps	%xmm0, %xmm0, %xmm0
  2bc3:	vblendps	$16, %ymm0, %ymm5, %ymm5
  2bc9:	cmpl	$1144, %esi
  2bcf:	jb	11
  2bd1:	vbroadcastss	1140(%rdx), %ymm0
  2bda:	jmp	4
  2bdc:	vxorps	%xmm0, %xmm0, %xmm0
  2be0:	vblendps	$16, %ymm0, %ymm7, %ymm7
  2be6:	cmpl	$1148, %esi
  2bec:	jb	11
  2bee:	vbroadcastss	1144(%rdx), %ymm0
  2bf7:	jmp	4
  2bf9:	vxorps	%xmm0, %xmm0, %xmm0
  2bfd:	vpblendd	$16, %ymm0, %ymm8, %ymm8
  2c03:	cmpl	$1152, %esi
  2c09:	jb	11
  2c0b:	vbroadcastss	1148(%rdx), %ymm0
  2c14:	jmp	4
  2c16:	vxorps	%xmm0, %xmm0, %xmm0
  2c1a:	vblendps	$16, %ymm0, %ymm6, %ymm6
  2c20:	kshiftrb	$5, %k0, %k3
  2c26:	kmovd	%k3, %edx
  2c2a:	testb	$1, %dl
  2c2d:	je	125
  2c2f:	movq	(%rbx), %rdx
  2c32:	movl	8(%rdx), %esi
  2c35:	movq	(%rdx), %rdx
  2c38:	cmpl	$1396, %esi
  2c3e:	jb	11
  2c40:	vbroadcastss	1392(%rdx), %ymm0
  2c49:	jmp	4
  2c4b:	vxorps	%xmm0, %xmm0, %xmm0
  2c4f:	vblendps	$32, %ymm0, %ymm5, %ymm5
  2c55:	cmpl	$1400, %esi
  2c5b:	jb	11
  2c5d:	vbroadcastss	1396(%rdx), %ymm0
  2c66:	jmp	4
  2c68:	vxorps	%xmm0, %xmm0, %xmm0
  2c6c:	vblendps	$32, %ymm0, %ymm7, %ymm7
  2c72:	cmpl	$1404, %esi
  2c78:	jb	11
  2c7a:	vbroadcastss	1400(%rdx), %ymm0
  2c83:	jmp	4
  2c85:	vxorps	%xmm0, %xmm0, %xmm0
  2c89:	vpblendd	$32, %ymm0, %ymm8, %ymm8
  2c8f:	cmpl	$1408, %esi
  2c95:	jb	11
  2c97:	vbroadcastss	1404(%rdx), %ymm0
  2ca0:	jmp	4
  2ca2:	vxorps	%xmm0, %xmm0, %xmm0
  2ca6:	vblendps	$32, %ymm0, %ymm6, %ymm6
  2cac:	kshiftrb	$6, %k0, %k3
  2cb2:	kmovd	%k3, %edx
  2cb6:	testb	$1, %dl
  2cb9:	je	125
  2cbb:	movq	(%rbx), %rdx
  2cbe:	movl	8(%rdx), %esi
  2cc1:	movq	(%rdx), %rdx
  2cc4:	cmpl	$1652, %esi
  2cca:	jb	11
  2ccc:	vbroadcastss	1648(%rdx), %ymm0
  2cd5:	jmp	4
  2cd7:	vxorps	%xmm0, %xmm0, %xmm0
  2cdb:	vblendps	$64, %ymm0, %ymm5, %ymm5
  2ce1:	cmpl	$1656, %esi
  2ce7:	jb	11
  2ce9:	vbroadcastss	1652(%rdx), %ymm0
  2cf2:	jmp	4
  2cf4:	vxorps	%xmm0, %xmm0, %xmm0
  2cf8:	vblendps	$64, %ymm0, %ymm7, %ymm7
  2cfe:	cmpl	$1660, %esi
  2d04:	jb	11
  2d06:	vbroadcastss	1656(%rdx), %ymm0
  2d0f:	jmp	4
  2d11:	vxorps	%xmm0, %xmm0, %xmm0
  2d15:	vpblendd	$64, %ymm0, %ymm8, %ymm8
  2d1b:	cmpl	$1664, %esi
  2d21:	jb	11
  2d23:	vbroadcastss	1660(%rdx), %ymm0
  2d2c:	jmp	4
  2d2e:	vxorps	%xmm0, %xmm0, %xmm0
  2d32:	vblendps	$64, %ymm0, %ymm6, %ymm6
  2d38:	kshiftrb	$7, %k0, %k0
  2d3e:	kmovd	%k0, %edx
  2d42:	testb	$1, %dl
  2d45:	je	125
  2d47:	movq	(%rbx), %rdx
  2d4a:	movl	8(%rdx), %esi
  2d4d:	movq	(%rdx), %rdx
  2d50:	cmpl	$1908, %esi
  2d56:	jb	11
  2d58:	vbroadcastss	1904(%rdx), %ymm0
  2d61:	jmp	4
  2d63:	vxorps	%xmm0, %xmm0, %xmm0
  2d67:	vblendps	$128, %ymm0, %ymm5, %ymm5
  2d6d:	cmpl	$1912, %esi
  2d73:	jb	11
  2d75:	vbroadcastss	1908(%rdx), %ymm0
  2d7e:	jmp	4
  2d80:	vxorps	%xmm0, %xmm0, %xmm0
  2d84:	vblendps	$128, %ymm0, %ymm7, %ymm7
  2d8a:	cmpl	$1916, %esi
  2d90:	jb	11
  2d92:	vbroadcastss	1912(%rdx), %ymm0
  2d9b:	jmp	4
  2d9d:	vxorps	%xmm0, %xmm0, %xmm0
  2da1:	vpblendd	$128, %ymm0, %ymm8, %ymm8
  2da7:	cmpl	$1920, %esi
  2dad:	jb	11
  2daf:	vbroadcastss	1916(%rdx), %ymm0
  2db8:	jmp	4
  2dba:	vxorps	%xmm0, %xmm0, %xmm0
  2dbe:	vblendps	$128, %ymm0, %ymm6, %ymm6
  2dc4:	vpermilps	$255, %xmm5, %xmm0
  2dca:	vxorps	%xmm5, %xmm5, %xmm5
  2dce:	vpermilps	$255, %xmm7, %xmm7
  2dd4:	vpermilps	$255, %xmm6, %xmm6
  2dda:	movabsq	$139735223148612, %rdx
  2de4:	vbroadcastsd	%xmm0, %ymm0
  2de9:	vbroadcastsd	%xmm7, %ymm7
  2dee:	vbroadcastsd	%xmm6, %ymm6
  2df3:	vmovaps	%ymm5, %ymm0 {%k1}
  2df9:	vmulps	%ymm0, %ymm4, %ymm0
  2dfd:	vmovaps	%ymm5, %ymm7 {%k1}
  2e03:	vmovaps	%ymm5, %ymm6 {%k1}
  2e09:	vaddps	%ymm3, %ymm0, %ymm0
  2e0d:	vmulps	%ymm0, %ymm7, %ymm0
  2e11:	vpshufd	$255, %xmm8, %xmm7
  2e17:	vpbroadcastq	%xmm7, %ymm7
  2e1c:	vaddps	%ymm3, %ymm0, %ymm0
  2e20:	vmovaps	%ymm5, %ymm7 {%k1}
  2e26:	vmulps	%ymm0, %ymm7, %ymm0
  2e2a:	vaddps	%ymm3, %ymm0, %ymm0
  2e2e:	vmulps	%ymm0, %ymm6, %ymm0
  2e32:	vaddps	%ymm3, %ymm0, %ymm4 {%k2}
  2e38:	vpcmpnleud	(%rdx){1to8}, %ymm2, %k2
  2e3f:	vptestmd	%ymm1, %ymm1, %k0 {%k2}
  2e45:	kortestb	%k0, %k0
  2e49:	je	10579
  2e4f:	kmovd	%k0, %edx
  2e53:	vpxor	%xmm8, %xmm8, %xmm8
  2e58:	vxorps	%xmm7, %xmm7, %xmm7
  2e5c:	vxorps	%xmm6, %xmm6, %xmm6
  2e60:	testb	$1, %dl
  2e63:	je	90
  2e65:	movq	(%rbx), %rdx
  2e68:	vxorps	%xmm7, %xmm7, %xmm7
  2e6c:	vxorps	%xmm6, %xmm6, %xmm6
  2e70:	movl	8(%rdx), %esi
  2e73:	movq	(%rdx), %rdx
  2e76:	cmpl	$132, %esi
  2e7c:	jb	8
  2e7e:	vmovss	128(%rdx), %xmm6
  2e86:	cmpl	$136, %esi
  2e8c:	jb	8
  2e8e:	vmovss	132(%rdx), %xmm7
  2e96:	vxorps	%xmm5, %xmm5, %xmm5
  2e9a:	vpxor	%xmm8, %xmm8, %xmm8
  2e9f:	cmpl	$140, %esi
  2ea5:	jb	8
  2ea7:	vmovd	136(%rdx), %xmm8
  2eaf:	cmpl	$144, %esi
  2eb5:	jb	8
  2eb7:	vmovss	140(%rdx), %xmm5
  2ebf:	kshiftrb	$1, %k0, %k3
  2ec5:	kmovd	%k3, %edx
  2ec9:	testb	$1, %dl
  2ecc:	je	153
  2ed2:	movq	(%rbx), %rdx
  2ed5:	movl	8(%rdx), %esi
  2ed8:	movq	(%rdx), %rdx
  2edb:	cmpl	$388, %esi
  2ee1:	jb	18
  2ee3:	vpinsrd	$1, 384(%rdx), %xmm6, %xmm0
  2eed:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  2ef3:	jmp	10
  2ef5:	vxorps	%xmm0, %xmm0, %xmm0
  2ef9:	vblendps	$2, %ymm0, %ymm6, %ymm6
  2eff:	cmpl	$392, %esi
  2f05:	jb	18
  2f07:	vpinsrd	$1, 388(%rdx), %xmm7, %xmm0
  2f11:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  2f17:	jmp	10
  2f19:	vxorps	%xmm0, %xmm0, %xmm0
  2f1d:	vblendps	$2, %ymm0, %ymm7, %ymm7
  2f23:	cmpl	$396, %esi
  2f29:	jb	18
  2f2b:	vpinsrd	$1, 392(%rdx), %xmm8, %xmm0
  2f35:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  2f3b:	jmp	10
  2f3d:	vxorps	%xmm0, %xmm0, %xmm0
  2f41:	vpblendd	$2, %ymm0, %ymm8, %ymm8
  2f47:	cmpl	$400, %esi
  2f4d:	jb	18
  2f4f:	vpinsrd	$1, 396(%rdx), %xmm5, %xmm0
  2f59:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  2f5f:	jmp	10
  2f61:	vxorps	%xmm0, %xmm0, %xmm0
  2f65:	vblendps	$2, %ymm0, %ymm5, %ymm5
  2f6b:	kshiftrb	$2, %k0, %k3
  2f71:	kmovd	%k3, %edx
  2f75:	testb	$1, %dl
  2f78:	je	153
  2f7e:	movq	(%rbx), %rdx
  2f81:	movl	8(%rdx), %esi
  2f84:	movq	(%rdx), %rdx
  2f87:	cmpl	$644, %esi
  2f8d:	jb	18
  2f8f:	vpinsrd	$2, 640(%rdx), %xmm6, %xmm0
  2f99:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  2f9f:	jmp	10
  2fa1:	vxorps	%xmm0, %xmm0, %xmm0
  2fa5:	vblendps	$4, %ymm0, %ymm6, %ymm6
  2fab:	cmpl	$648, %esi
  2fb1:	jb	18
  2fb3:	vpinsrd	$2, 644(%rdx), %xmm7, %xmm0
  2fbd:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  2fc3:	jmp	10
  2fc5:	vxorps	%xmm0, %xmm0, %xmm0
  2fc9:	vblendps	$4, %ymm0, %ymm7, %ymm7
  2fcf:	cmpl	$652, %esi
  2fd5:	jb	18
  2fd7:	vpinsrd	$2, 648(%rdx), %xmm8, %xmm0
  2fe1:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  2fe7:	jmp	10
  2fe9:	vxorps	%xmm0, %xmm0, %xmm0
  2fed:	vpblendd	$4, %ymm0, %ymm8, %ymm8
  2ff3:	cmpl	$656, %esi
  2ff9:	jb	18
  2ffb:	vpinsrd	$2, 652(%rdx), %xmm5, %xmm0
  3005:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  300b:	jmp	10
  300d:	vxorps	%xmm0, %xmm0, %xmm0
  3011:	vblendps	$4, %ymm0, %ymm5, %ymm5
  3017:	kshiftrb	$3, %k0, %k3
  301d:	kmovd	%k3, %edx
  3021:	testb	$1, %dl
  3024:	je	153
  302a:	movq	(%rbx), %rdx
  302d:	movl	8(%rdx), %esi
  3030:	movq	(%rdx), %rdx
  3033:	cmpl	$900, %esi
  3039:	jb	18
  303b:	vpinsrd	$3, 896(%rdx), %xmm6, %xmm0
  3045:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  304b:	jmp	10
  304d:	vxorps	%xmm0, %xmm0, %xmm0
  3051:	vblendps	$8, %ymm0, %ymm6, %ymm6
  3057:	cmpl	$904, %esi
  305d:	jb	18
  305f:	vpinsrd	$3, 900(%rdx), %xmm7, %xmm0
  3069:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  306f:	jmp	10
  3071:	vxorps	%xmm0, %xmm0, %xmm0
  3075:	vblendps	$8, %ymm0, %ymm7, %ymm7
  307b:	cmpl	$908, %esi
  3081:	jb	18
  3083:	vpinsrd	$3, 904(%rdx), %xmm8, %xmm0
  308d:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  3093:	jmp	10
  3095:	vxorps	%xmm0, %xmm0, %xmm0
  3099:	vpblendd	$8, %ymm0, %ymm8, %ymm8
  309f:	cmpl	$912, %esi
  30a5:	jb	18
  30a7:	vpinsrd	$3, 908(%rdx), %xmm5, %xmm0
  30b1:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  30b7:	jmp	10
  30b9:	vxorps	%xmm0, %xmm0, %xmm0
  30bd:	vblendps	$8, %ymm0, %ymm5, %ymm5
  30c3:	kshiftrb	$4, %k0, %k3
  30c9:	kmovd	%k3, %edx
  30cd:	testb	$1, %dl
  30d0:	je	125
  30d2:	movq	(%rbx), %rdx
  30d5:	movl	8(%rdx), %esi
  30d8:	movq	(%rdx), %rdx
  30db:	cmpl	$1156, %esi
  30e1:	jb	11
  30e3:	vbroadcastss	1152(%rdx), %ymm0
  30ec:	jmp	4
  30ee:	vxorps	%xmm0, %xmm0, %xmm0
  30f2:	vblendps	$16, %ymm0, %ymm6, %ymm6
  30f8:	cmpl	$1160, %esi
  30fe:	jb	11
  3100:	vbroadcastss	1156(%rdx), %ymm0
  3109:	jmp	4
  310b:	vxorps	%xmm0, %xmm0, %xmm0
  310f:	vblendps	$16, %ymm0, %ymm7, %ymm7
  3115:	cmpl	$1164, %esi
  311b:	jb	11
  311d:	vbroadcastss	1160(%rdx), %ymm0
  3126:	jmp	4
  3128:	vxorps	%xmm0, %xmm0, %xmm0
  312c:	vpblendd	$16, %ymm0, %ymm8, %ymm8
  3132:	cmpl	$1168, %esi
  3138:	jb	11
  313a:	vbroadcastss	1164(%rdx), %ymm0
  3143:	jmp	4
  3145:	vxorps	%xmm0, %xmm0, %xmm0
  3149:	vblendps	$16, %ymm0, %ymm5, %ymm5
  314f:	kshiftrb	$5, %k0, %k3
  3155:	kmovd	%k3, %edx
  3159:	testb	$1, %dl
  315c:	je	125
  315e:	movq	(%rbx), %rdx
  3161:	movl	8(%rdx), %esi
  3164:	movq	(%rdx), %rdx
  3167:	cmpl	$1412, %esi
  316d:	jb	11
  316f:	vbroadcastss	1408(%rdx), %ymm0
  3178:	jmp	4
  317a:	vxorps	%xmm0, %xmm0, %xmm0
  317e:	vblendps	$32, %ymm0, %ymm6, %ymm6
  3184:	cmpl	$1416, %esi
  318a:	jb	11
  318c:	vbroadcastss	1412(%rdx), %ymm0
  3195:	jmp	4
  3197:	vxorps	%xmm0, %xmm0, %xmm0
  319b:	vblendps	$32, %ymm0, %ymm7, %ymm7
  31a1:	cmpl	$1420, %esi
  31a7:	jb	11
  31a9:	vbroadcastss	1416(%rdx), %ymm0
  31b2:	jmp	4
  31b4:	vxorps	%xmm0, %xmm0, %xmm0
  31b8:	vpblendd	$32, %ymm0, %ymm8, %ymm8
  31be:	cmpl	$1424, %esi
  31c4:	jb	11
  31c6:	vbroadcastss	1420(%rdx), %ymm0
  31cf:	jmp	4
  31d1:	vxorps	%xmm0, %xmm0, %xmm0
  31d5:	vblendps	$32, %ymm0, %ymm5, %ymm5
  31db:	kshiftrb	$6, %k0, %k3
  31e1:	kmovd	%k3, %edx
  31e5:	testb	$1, %dl
  31e8:	je	125
  31ea:	movq	(%rbx), %rdx
  31ed:	movl	8(%rdx), %esi
  31f0:	movq	(%rdx), %rdx
  31f3:	cmpl	$1668, %esi
  31f9:	jb	11
  31fb:	vbroadcastss	1664(%rdx), %ymm0
  3204:	jmp	4
  3206:	vxorps	%xmm0, %xmm0, %xmm0
  320a:	vblendps	$64, %ymm0, %ymm6, %ymm6
  3210:	cmpl	$1672, %esi
  3216:	jb	11
  3218:	vbroadcastss	1668(%rdx), %ymm0
  3221:	jmp	4
  3223:	vxorps	%xmm0, %xmm0, %xmm0
  3227:	vblendps	$64, %ymm0, %ymm7, %ymm7
  322d:	cmpl	$1676, %esi
  3233:	jb	11
  3235:	vbroadcastss	1672(%rdx), %ymm0
  323e:	jmp	4
  3240:	vxorps	%xmm0, %xmm0, %xmm0
  3244:	vpblendd	$64, %ymm0, %ymm8, %ymm8
  324a:	cmpl	$1680, %esi
  3250:	jb	11
  3252:	vbroadcastss	1676(%rdx), %ymm0
  325b:	jmp	4
  325d:	vxorps	%xmm0, %xmm0, %xmm0
  3261:	vblendps	$64, %ymm0, %ymm5, %ymm5
  3267:	kshiftrb	$7, %k0, %k0
  326d:	kmovd	%k0, %edx
  3271:	testb	$1, %dl
  3274:	je	125
  3276:	movq	(%rbx), %rdx
  3279:	movl	8(%rdx), %esi
  327c:	movq	(%rdx), %rdx
  327f:	cmpl	$1924, %esi
  3285:	jb	11
  3287:	vbroadcastss	1920(%rdx), %ymm0
  3290:	jmp	4
  3292:	vxorps	%xmm0, %xmm0, %xmm0
  3296:	vblendps	$128, %ymm0, %ymm6, %ymm6
  329c:	cmpl	$1928, %esi
  32a2:	jb	11
  32a4:	vbroadcastss	1924(%rdx), %ymm0
  32ad:	jmp	4
  32af:	vxorps	%xmm0, %xmm0, %xmm0
  32b3:	vblendps	$128, %ymm0, %ymm7, %ymm7
  32b9:	cmpl	$1932, %esi
  32bf:	jb	11
  32c1:	vbroadcastss	1928(%rdx), %ymm0
  32ca:	jmp	4
  32cc:	vxorps	%xmm0, %xmm0, %xmm0
  32d0:	vpblendd	$128, %ymm0, %ymm8, %ymm8
  32d6:	cmpl	$1936, %esi
  32dc:	jb	11
  32de:	vbroadcastss	1932(%rdx), %ymm0
  32e7:	jmp	4
  32e9:	vxorps	%xmm0, %xmm0, %xmm0
  32ed:	vblendps	$128, %ymm0, %ymm5, %ymm5
  32f3:	vpermilps	$255, %xmm6, %xmm0
  32f9:	vxorps	%xmm6, %xmm6, %xmm6
  32fd:	vpermilps	$255, %xmm7, %xmm7
  3303:	vpermilps	$255, %xmm5, %xmm5
  3309:	movabsq	$139735223148616, %rdx
  3313:	vbroadcastsd	%xmm0, %ymm0
  3318:	vbroadcastsd	%xmm7, %ymm7
  331d:	vbroadcastsd	%xmm5, %ymm5
  3322:	vmovaps	%ymm6, %ymm0 {%k1}
  3328:	vmulps	%ymm0, %ymm4, %ymm0
  332c:	vmovaps	%ymm6, %ymm7 {%k1}
  3332:	vmovaps	%ymm6, %ymm5 {%k1}
  3338:	vaddps	%ymm3, %ymm0, %ymm0
  333c:	vmulps	%ymm0, %ymm7, %ymm0
  3340:	vpshufd	$255, %xmm8, %xmm7
  3346:	vpbroadcastq	%xmm7, %ymm7
  334b:	vaddps	%ymm3, %ymm0, %ymm0
  334f:	vmovaps	%ymm6, %ymm7 {%k1}
  3355:	vmulps	%ymm0, %ymm7, %ymm0
  3359:	vaddps	%ymm3, %ymm0, %ymm0
  335d:	vmulps	%ymm0, %ymm5, %ymm0
  3361:	vaddps	%ymm3, %ymm0, %ymm4 {%k2}
  3367:	vpcmpnleud	(%rdx){1to8}, %ymm2, %k2
  336e:	vptestmd	%ymm1, %ymm1, %k0 {%k2}
  3374:	kortestb	%k0, %k0
  3378:	je	9252
  337e:	kmovd	%k0, %edx
  3382:	vpxor	%xmm8, %xmm8, %xmm8
  3387:	vxorps	%xmm7, %xmm7, %xmm7
  338b:	vxorps	%xmm5, %xmm5, %xmm5
  338f:	testb	$1, %dl
  3392:	je	90
  3394:	movq	(%rbx), %rdx
  3397:	vxorps	%xmm7, %xmm7, %xmm7
  339b:	vxorps	%xmm5, %xmm5, %xmm5
  339f:	movl	8(%rdx), %esi
  33a2:	movq	(%rdx), %rdx
  33a5:	cmpl	$148, %esi
  33ab:	jb	8
  33ad:	vmovss	144(%rdx), %xmm5
  33b5:	cmpl	$152, %esi
  33bb:	jb	8
  33bd:	vmovss	148(%rdx), %xmm7
  33c5:	vxorps	%xmm6, %xmm6, %xmm6
  33c9:	vpxor	%xmm8, %xmm8, %xmm8
  33ce:	cmpl	$156, %esi
  33d4:	jb	8
  33d6:	vmovd	152(%rdx), %xmm8
  33de:	cmpl	$160, %esi
  33e4:	jb	8
  33e6:	vmovss	156(%rdx), %xmm6
  33ee:	kshiftrb	$1, %k0, %k3
  33f4:	kmovd	%k3, %edx
  33f8:	testb	$1, %dl
  33fb:	je	153
  3401:	movq	(%rbx), %rdx
  3404:	movl	8(%rdx), %esi
  3407:	movq	(%rdx), %rdx
  340a:	cmpl	$404, %esi
  3410:	jb	18
  3412:	vpinsrd	$1, 400(%rdx), %xmm5, %xmm0
  341c:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  3422:	jmp	10
  3424:	vxorps	%xmm0, %xmm0, %xmm0
  3428:	vblendps	$2, %ymm0, %ymm5, %ymm5
  342e:	cmpl	$408, %esi
  3434:	jb	18
  3436:	vpinsrd	$1, 404(%rdx), %xmm7, %xmm0
  3440:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  3446:	jmp	10
  3448:	vxorps	%xmm0, %xmm0, %xmm0
  344c:	vblendps	$2, %ymm0, %ymm7, %ymm7
  3452:	cmpl	$412, %esi
  3458:	jb	18
  345a:	vpinsrd	$1, 408(%rdx), %xmm8, %xmm0
  3464:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  346a:	jmp	10
  346c:	vxorps	%xmm0, %xmm0, %xmm0
  3470:	vpblendd	$2, %ymm0, %ymm8, %ymm8
  3476:	cmpl	$416, %esi
  347c:	jb	18
  347e:	vpinsrd	$1, 412(%rdx), %xmm6, %xmm0
  3488:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  348e:	jmp	10
  3490:	vxorps	%xmm0, %xmm0, %xmm0
  3494:	vblendps	$2, %ymm0, %ymm6, %ymm6
  349a:	kshiftrb	$2, %k0, %k3
  34a0:	kmovd	%k3, %edx
  34a4:	testb	$1, %dl
  34a7:	je	153
  34ad:	movq	(%rbx), %rdx
  34b0:	movl	8(%rdx), %esi
  34b3:	movq	(%rdx), %rdx
  34b6:	cmpl	$660, %esi
  34bc:	jb	18
  34be:	vpinsrd	$2, 656(%rdx), %xmm5, %xmm0
  34c8:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  34ce:	jmp	10
  34d0:	vxorps	%xmm0, %xmm0, %xmm0
  34d4:	vblendps	$4, %ymm0, %ymm5, %ymm5
  34da:	cmpl	$664, %esi
  34e0:	jb	18
  34e2:	vpinsrd	$2, 660(%rdx), %xmm7, %xmm0
  34ec:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  34f2:	jmp	10
  34f4:	vxorps	%xmm0, %xmm0, %xmm0
  34f8:	vblendps	$4, %ymm0, %ymm7, %ymm7
  34fe:	cmpl	$668, %esi
  3504:	jb	18
  3506:	vpinsrd	$2, 664(%rdx), %xmm8, %xmm0
  3510:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  3516:	jmp	10
  3518:	vxorps	%xmm0, %xmm0, %xmm0
  351c:	vpblendd	$4, %ymm0, %ymm8, %ymm8
  3522:	cmpl	$672, %esi
  3528:	jb	18
  352a:	vpinsrd	$2, 668(%rdx), %xmm6, %xmm0
  3534:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  353a:	jmp	10
  353c:	vxorps	%xmm0, %xmm0, %xmm0
  3540:	vblendps	$4, %ymm0, %ymm6, %ymm6
  3546:	kshiftrb	$3, %k0, %k3
  354c:	kmovd	%k3, %edx
  3550:	testb	$1, %dl
  3553:	je	153
  3559:	movq	(%rbx), %rdx
  355c:	movl	8(%rdx), %esi
  355f:	movq	(%rdx), %rdx
  3562:	cmpl	$916, %esi
  3568:	jb	18
  356a:	vpinsrd	$3, 912(%rdx), %xmm5, %xmm0
  3574:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  357a:	jmp	10
  357c:	vxorps	%xmm0, %xmm0, %xmm0
  3580:	vblendps	$8, %ymm0, %ymm5, %ymm5
  3586:	cmpl	$920, %esi
  358c:	jb	18
  358e:	vpinsrd	$3, 916(%rdx), %xmm7, %xmm0
  3598:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  359e:	jmp	10
  35a0:	vxorps	%xmm0, %xmm0, %xmm0
  35a4:	vblendps	$8, %ymm0, %ymm7, %ymm7
  35aa:	cmpl	$924, %esi
  35b0:	jb	18
  35b2:	vpinsrd	$3, 920(%rdx), %xmm8, %xmm0
  35bc:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  35c2:	jmp	10
  35c4:	vxorps	%xmm0, %xmm0, %xmm0
  35c8:	vpblendd	$8, %ymm0, %ymm8, %ymm8
  35ce:	cmpl	$928, %esi
  35d4:	jb	18
  35d6:	vpinsrd	$3, 924(%rdx), %xmm6, %xmm0
  35e0:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  35e6:	jmp	10
  35e8:	vxorps	%xmm0, %xmm0, %xmm0
  35ec:	vblendps	$8, %ymm0, %ymm6, %ymm6
  35f2:	kshiftrb	$4, %k0, %k3
  35f8:	kmovd	%k3, %edx
  35fc:	testb	$1, %dl
  35ff:	je	125
  3601:	movq	(%rbx), %rdx
  3604:	movl	8(%rdx), %esi
  3607:	movq	(%rdx), %rdx
  360a:	cmpl	$1172, %esi
  3610:	jb	11
  3612:	vbroadcastss	1168(%rdx), %ymm0
  361b:	jmp	4
  361d:	vxorps	%xmm0, %xmm0, %xmm0
  3621:	vblendps	$16, %ymm0, %ymm5, %ymm5
  3627:	cmpl	$1176, %esi
  362d:	jb	11
  362f:	vbroadcastss	1172(%rdx), %ymm0
  3638:	jmp	4
  363a:	vxorps	%xmm0, %xmm0, %xmm0
  363e:	vblendps	$16, %ymm0, %ymm7, %ymm7
  3644:	cmpl	$1180, %esi
  364a:	jb	11
  364c:	vbroadcastss	1176(%rdx), %ymm0
  3655:	jmp	4
  3657:	vxorps	%xmm0, %xmm0, %xmm0
  365b:	vpblendd	$16, %ymm0, %ymm8, %ymm8
  3661:	cmpl	$1184, %esi
  3667:	jb	11
  3669:	vbroadcastss	1180(%rdx), %ymm0
  3672:	jmp	4
  3674:	vxorps	%xmm0, %xmm0, %xmm0
  3678:	vblendps	$16, %ymm0, %ymm6, %ymm6
  367e:	kshiftrb	$5, %k0, %k3
  3684:	kmovd	%k3, %edx
  3688:	testb	$1, %dl
  368b:	je	125
  368d:	movq	(%rbx), %rdx
  3690:	movl	8(%rdx), %esi
  3693:	movq	(%rdx), %rdx
  3696:	cmpl	$1428, %esi
  369c:	jb	11
  369e:	vbroadcastss	1424(%rdx), %ymm0
  36a7:	jmp	4
  36a9:	vxorps	%xmm0, %xmm0, %xmm0
  36ad:	vblendps	$32, %ymm0, %ymm5, %ymm5
  36b3:	cmpl	$1432, %esi
  36b9:	jb	11
  36bb:	vbroadcastss	1428(%rdx), %ymm0
  36c4:	jmp	4
  36c6:	vxorps	%xmm0, %xmm0, %xmm0
  36ca:	vblendps	$32, %ymm0, %ymm7, %ymm7
  36d0:	cmpl	$1436, %esi
  36d6:	jb	11
  36d8:	vbroadcastss	1432(%rdx), %ymm0
  36e1:	jmp	4
  36e3:	vxorps	%xmm0, %xmm0, %xmm0
  36e7:	vpblendd	$32, %ymm0, %ymm8, %ymm8
  36ed:	cmpl	$1440, %esi
  36f3:	jb	11
  36f5:	vbroadcastss	1436(%rdx), %ymm0
  36fe:	jmp	4
  3700:	vxorps	%xmm0, %xmm0, %xmm0
  3704:	vblendps	$32, %ymm0, %ymm6, %ymm6
  370a:	kshiftrb	$6, %k0, %k3
  3710:	kmovd	%k3, %edx
  3714:	testb	$1, %dl
  3717:	je	125
  3719:	movq	(%rbx), %rdx
  371c:	movl	8(%rdx), %esi
  371f:	movq	(%rdx), %rdx
  3722:	cmpl	$1684, %esi
  3728:	jb	11
  372a:	vbroadcastss	1680(%rdx), %ymm0
  3733:	jmp	4
  3735:	vxorps	%xmm0, %xmm0, %xmm0
  3739:	vblendps	$64, %ymm0, %ymm5, %ymm5
  373f:	cmpl	$1688, %esi
  3745:	jb	11
  3747:	vbroadcastss	1684(%rdx), %ymm0
  3750:	jmp	4
  3752:	vxorps	%xmm0, %xmm0, %xmm0
  3756:	vblendps	$64, %ymm0, %ymm7, %ymm7
  375c:	cmpl	$1692, %esi
  3762:	jb	11
  3764:	vbroadcastss	1688(%rdx), %ymm0
  376d:	jmp	4
  376f:	vxorps	%xmm0, %xmm0, %xmm0
  3773:	vpblendd	$64, %ymm0, %ymm8, %ymm8
  3779:	cmpl	$1696, %esi
  377f:	jb	11
  3781:	vbroadcastss	1692(%rdx), %ymm0
  378a:	jmp	4
  378c:	vxorps	%xmm0, %xmm0, %xmm0
  3790:	vblendps	$64, %ymm0, %ymm6, %ymm6
  3796:	kshiftrb	$7, %k0, %k0
  379c:	kmovd	%k0, %edx
  37a0:	testb	$1, %dl
  37a3:	je	125
  37a5:	movq	(%rbx), %rdx
  37a8:	movl	8(%rdx), %esi
  37ab:	movq	(%rdx), %rdx
  37ae:	cmpl	$1940, %esi
  37b4:	jb	11
  37b6:	vbroadcastss	1936(%rdx), %ymm0
  37bf:	jmp	4
  37c1:	vxorps	%xmm0, %xmm0, %xmm0
  37c5:	vblendps	$128, %ymm0, %ymm5, %ymm5
  37cb:	cmpl	$1944, %esi
  37d1:	jb	11
  37d3:	vbroadcastss	1940(%rdx), %ymm0
  37dc:	jmp	4
  37de:	vxorps	%xmm0, %xmm0, %xmm0
  37e2:	vblendps	$128, %ymm0, %ymm7, %ymm7
  37e8:	cmpl	$1948, %esi
  37ee:	jb	11
  37f0:	vbroadcastss	1944(%rdx), %ymm0
  37f9:	jmp	4
  37fb:	vxorps	%xmm0, %xmm0, %xmm0
  37ff:	vpblendd	$128, %ymm0, %ymm8, %ymm8
  3805:	cmpl	$1952, %esi
  380b:	jb	11
  380d:	vbroadcastss	1948(%rdx), %ymm0
  3816:	jmp	4
  3818:	vxorps	%xmm0, %xmm0, %xmm0
  381c:	vblendps	$128, %ymm0, %ymm6, %ymm6
  3822:	vpermilps	$255, %xmm5, %xmm0
  3828:	vxorps	%xmm5, %xmm5, %xmm5
  382c:	vpermilps	$255, %xmm7, %xmm7
  3832:	vpermilps	$255, %xmm6, %xmm6
  3838:	movabsq	$139735223148620, %rdx
  3842:	vbroadcastsd	%xmm0, %ymm0
  3847:	vbroadcastsd	%xmm7, %ymm7
  384c:	vbroadcastsd	%xmm6, %ymm6
  3851:	vmovaps	%ymm5, %ymm0 {%k1}
  3857:	vmulps	%ymm0, %ymm4, %ymm0
  385b:	vmovaps	%ymm5, %ymm7 {%k1}
  3861:	vmovaps	%ymm5, %ymm6 {%k1}
  3867:	vaddps	%ymm3, %ymm0, %ymm0
  386b:	vmulps	%ymm0, %ymm7, %ymm0
  386f:	vpshufd	$255, %xmm8, %xmm7
  3875:	vpbroadcastq	%xmm7, %ymm7
  387a:	vaddps	%ymm3, %ymm0, %ymm0
  387e:	vmovaps	%ymm5, %ymm7 {%k1}
  3884:	vmulps	%ymm0, %ymm7, %ymm0
  3888:	vaddps	%ymm3, %ymm0, %ymm0
  388c:	vmulps	%ymm0, %ymm6, %ymm0
  3890:	vaddps	%ymm3, %ymm0, %ymm4 {%k2}
  3896:	vpcmpnleud	(%rdx){1to8}, %ymm2, %k2
  389d:	vptestmd	%ymm1, %ymm1, %k0 {%k2}
  38a3:	kortestb	%k0, %k0
  38a7:	je	7925
  38ad:	kmovd	%k0, %edx
  38b1:	vpxor	%xmm8, %xmm8, %xmm8
  38b6:	vxorps	%xmm7, %xmm7, %xmm7
  38ba:	vxorps	%xmm6, %xmm6, %xmm6
  38be:	testb	$1, %dl
  38c1:	je	90
  38c3:	movq	(%rbx), %rdx
  38c6:	vxorps	%xmm7, %xmm7, %xmm7
  38ca:	vxorps	%xmm6, %xmm6, %xmm6
  38ce:	movl	8(%rdx), %esi
  38d1:	movq	(%rdx), %rdx
  38d4:	cmpl	$164, %esi
  38da:	jb	8
  38dc:	vmovss	160(%rdx), %xmm6
  38e4:	cmpl	$168, %esi
  38ea:	jb	8
  38ec:	vmovss	164(%rdx), %xmm7
  38f4:	vxorps	%xmm5, %xmm5, %xmm5
  38f8:	vpxor	%xmm8, %xmm8, %xmm8
  38fd:	cmpl	$172, %esi
  3903:	jb	8
  3905:	vmovd	168(%rdx), %xmm8
  390d:	cmpl	$176, %esi
  3913:	jb	8
  3915:	vmovss	172(%rdx), %xmm5
  391d:	kshiftrb	$1, %k0, %k3
  3923:	kmovd	%k3, %edx
  3927:	testb	$1, %dl
  392a:	je	153
  3930:	movq	(%rbx), %rdx
  3933:	movl	8(%rdx), %esi
  3936:	movq	(%rdx), %rdx
  3939:	cmpl	$420, %esi
  393f:	jb	18
  3941:	vpinsrd	$1, 416(%rdx), %xmm6, %xmm0
  394b:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  3951:	jmp	10
  3953:	vxorps	%xmm0, %xmm0, %xmm0
  3957:	vblendps	$2, %ymm0, %ymm6, %ymm6
  395d:	cmpl	$424, %esi
  3963:	jb	18
  3965:	vpinsrd	$1, 420(%rdx), %xmm7, %xmm0
  396f:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  3975:	jmp	10
  3977:	vxorps	%xmm0, %xmm0, %xmm0
  397b:	vblendps	$2, %ymm0, %ymm7, %ymm7
  3981:	cmpl	$428, %esi
  3987:	jb	18
  3989:	vpinsrd	$1, 424(%rdx), %xmm8, %xmm0
  3993:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  3999:	jmp	10
  399b:	vxorps	%xmm0, %xmm0, %xmm0
  399f:	vpblendd	$2, %ymm0, %ymm8, %ymm8
  39a5:	cmpl	$432, %esi
  39ab:	jb	18
  39ad:	vpinsrd	$1, 428(%rdx), %xmm5, %xmm0
  39b7:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  39bd:	jmp	10
  39bf:	vxorps	%xmm0, %xmm0, %xmm0
  39c3:	vblendps	$2, %ymm0, %ymm5, %ymm5
  39c9:	kshiftrb	$2, %k0, %k3
  39cf:	kmovd	%k3, %edx
  39d3:	testb	$1, %dl
  39d6:	je	153
  39dc:	movq	(%rbx), %rdx
  39df:	movl	8(%rdx), %esi
  39e2:	movq	(%rdx), %rdx
  39e5:	cmpl	$676, %esi
  39eb:	jb	18
  39ed:	vpinsrd	$2, 672(%rdx), %xmm6, %xmm0
  39f7:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  39fd:	jmp	10
  39ff:	vxorps	%xmm0, %xmm0, %xmm0
  3a03:	vblendps	$4, %ymm0, %ymm6, %ymm6
  3a09:	cmpl	$680, %esi
  3a0f:	jb	18
  3a11:	vpinsrd	$2, 676(%rdx), %xmm7, %xmm0
  3a1b:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  3a21:	jmp	10
  3a23:	vxorps	%xmm0, %xmm0, %xmm0
  3a27:	vblendps	$4, %ymm0, %ymm7, %ymm7
  3a2d:	cmpl	$684, %esi
  3a33:	jb	18
  3a35:	vpinsrd	$2, 680(%rdx), %xmm8, %xmm0
  3a3f:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  3a45:	jmp	10
  3a47:	vxorps	%xmm0, %xmm0, %xmm0
  3a4b:	vpblendd	$4, %ymm0, %ymm8, %ymm8
  3a51:	cmpl	$688, %esi
  3a57:	jb	18
  3a59:	vpinsrd	$2, 684(%rdx), %xmm5, %xmm0
  3a63:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  3a69:	jmp	10
  3a6b:	vxorps	%xmm0, %xmm0, %xmm0
  3a6f:	vblendps	$4, %ymm0, %ymm5, %ymm5
  3a75:	kshiftrb	$3, %k0, %k3
  3a7b:	kmovd	%k3, %edx
  3a7f:	testb	$1, %dl
  3a82:	je	153
  3a88:	movq	(%rbx), %rdx
  3a8b:	movl	8(%rdx), %esi
  3a8e:	movq	(%rdx), %rdx
  3a91:	cmpl	$932, %esi
  3a97:	jb	18
  3a99:	vpinsrd	$3, 928(%rdx), %xmm6, %xmm0
  3aa3:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  3aa9:	jmp	10
  3aab:	vxorps	%xmm0, %xmm0, %xmm0
  3aaf:	vblendps	$8, %ymm0, %ymm6, %ymm6
  3ab5:	cmpl	$936, %esi
  3abb:	jb	18
  3abd:	vpinsrd	$3, 932(%rdx), %xmm7, %xmm0
  3ac7:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  3acd:	jmp	10
  3acf:	vxorps	%xmm0, %xmm0, %xmm0
  3ad3:	vblendps	$8, %ymm0, %ymm7, %ymm7
  3ad9:	cmpl	$940, %esi
  3adf:	jb	18
  3ae1:	vpinsrd	$3, 936(%rdx), %xmm8, %xmm0
  3aeb:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  3af1:	jmp	10
  3af3:	vxorps	%xmm0, %xmm0, %xmm0
  3af7:	vpblendd	$8, %ymm0, %ymm8, %ymm8
  3afd:	cmpl	$944, %esi
  3b03:	jb	18
  3b05:	vpinsrd	$3, 940(%rdx), %xmm5, %xmm0
  3b0f:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  3b15:	jmp	10
  3b17:	vxorps	%xmm0, %xmm0, %xmm0
  3b1b:	vblendps	$8, %ymm0, %ymm5, %ymm5
  3b21:	kshiftrb	$4, %k0, %k3
  3b27:	kmovd	%k3, %edx
  3b2b:	testb	$1, %dl
  3b2e:	je	125
  3b30:	movq	(%rbx), %rdx
  3b33:	movl	8(%rdx), %esi
  3b36:	movq	(%rdx), %rdx
  3b39:	cmpl	$1188, %esi
  3b3f:	jb	11
  3b41:	vbroadcastss	1184(%rdx), %ymm0
  3b4a:	jmp	4
  3b4c:	vxorps	%xmm0, %xmm0, %xmm0
  3b50:	vblendps	$16, %ymm0, %ymm6, %ymm6
  3b56:	cmpl	$1192, %esi
  3b5c:	jb	11
  3b5e:	vbroadcastss	1188(%rdx), %ymm0
  3b67:	jmp	4
  3b69:	vxorps	%xmm0, %xmm0, %xmm0
  3b6d:	vblendps	$16, %ymm0, %ymm7, %ymm7
  3b73:	cmpl	$1196, %esi
  3b79:	jb	11
  3b7b:	vbroadcastss	1192(%rdx), %ymm0
  3b84:	jmp	4
  3b86:	vxorps	%xmm0, %xmm0, %xmm0
  3b8a:	vpblendd	$16, %ymm0, %ymm8, %ymm8
  3b90:	cmpl	$1200, %esi
  3b96:	jb	11
  3b98:	vbroadcastss	1196(%rdx), %ymm0
  3ba1:	jmp	4
  3ba3:	vxorps	%xmm0, %xmm0, %xmm0
  3ba7:	vblendps	$16, %ymm0, %ymm5, %ymm5
  3bad:	kshiftrb	$5, %k0, %k3
  3bb3:	kmovd	%k3, %edx
  3bb7:	testb	$1, %dl
  3bba:	je	125
  3bbc:	movq	(%rbx), %rdx
  3bbf:	movl	8(%rdx), %esi
  3bc2:	movq	(%rdx), %rdx
  3bc5:	cmpl	$1444, %esi
  3bcb:	jb	11
  3bcd:	vbroadcastss	1440(%rdx), %ymm0
  3bd6:	jmp	4
  3bd8:	vxorps	%xmm0, %xmm0, %xmm0
  3bdc:	vblendps	$32, %ymm0, %ymm6, %ymm6
  3be2:	cmpl	$1448, %esi
  3be8:	jb	11
  3bea:	vbroadcastss	1444(%rdx), %ymm0
  3bf3:	jmp	4
  3bf5:	vxorps	%xmm0, %xmm0, %xmm0
  3bf9:	vblendps	$32, %ymm0, %ymm7, %ymm7
  3bff:	cmpl	$1452, %esi
  3c05:	jb	11
  3c07:	vbroadcastss	1448(%rdx), %ymm0
  3c10:	jmp	4
  3c12:	vxorps	%xmm0, %xmm0, %xmm0
  3c16:	vpblendd	$32, %ymm0, %ymm8, %ymm8
  3c1c:	cmpl	$1456, %esi
  3c22:	jb	11
  3c24:	vbroadcastss	1452(%rdx), %ymm0
  3c2d:	jmp	4
  3c2f:	vxorps	%xmm0, %xmm0, %xmm0
  3c33:	vblendps	$32, %ymm0, %ymm5, %ymm5
  3c39:	kshiftrb	$6, %k0, %k3
  3c3f:	kmovd	%k3, %edx
  3c43:	testb	$1, %dl
  3c46:	je	125
  3c48:	movq	(%rbx), %rdx
  3c4b:	movl	8(%rdx), %esi
  3c4e:	movq	(%rdx), %rdx
  3c51:	cmpl	$1700, %esi
  3c57:	jb	11
  3c59:	vbroadcastss	1696(%rdx), %ymm0
  3c62:	jmp	4
  3c64:	vxorps	%xmm0, %xmm0, %xmm0
  3c68:	vblendps	$64, %ymm0, %ymm6, %ymm6
  3c6e:	cmpl	$1704, %esi
  3c74:	jb	11
  3c76:	vbroadcastss	1700(%rdx), %ymm0
  3c7f:	jmp	4
  3c81:	vxorps	%xmm0, %xmm0, %xmm0
  3c85:	vblendps	$64, %ymm0, %ymm7, %ymm7
  3c8b:	cmpl	$1708, %esi
  3c91:	jb	11
  3c93:	vbroadcastss	1704(%rdx), %ymm0
  3c9c:	jmp	4
  3c9e:	vxorps	%xmm0, %xmm0, %xmm0
  3ca2:	vpblendd	$64, %ymm0, %ymm8, %ymm8
  3ca8:	cmpl	$1712, %esi
  3cae:	jb	11
  3cb0:	vbroadcastss	1708(%rdx), %ymm0
  3cb9:	jmp	4
  3cbb:	vxorps	%xmm0, %xmm0, %xmm0
  3cbf:	vblendps	$64, %ymm0, %ymm5, %ymm5
  3cc5:	kshiftrb	$7, %k0, %k0
  3ccb:	kmovd	%k0, %edx
  3ccf:	testb	$1, %dl
  3cd2:	je	125
  3cd4:	movq	(%rbx), %rdx
  3cd7:	movl	8(%rdx), %esi
  3cda:	movq	(%rdx), %rdx
  3cdd:	cmpl	$1956, %esi
  3ce3:	jb	11
  3ce5:	vbroadcastss	1952(%rdx), %ymm0
  3cee:	jmp	4
  3cf0:	vxorps	%xmm0, %xmm0, %xmm0
  3cf4:	vblendps	$128, %ymm0, %ymm6, %ymm6
  3cfa:	cmpl	$1960, %esi
  3d00:	jb	11
  3d02:	vbroadcastss	1956(%rdx), %ymm0
  3d0b:	jmp	4
  3d0d:	vxorps	%xmm0, %xmm0, %xmm0
  3d11:	vblendps	$128, %ymm0, %ymm7, %ymm7
  3d17:	cmpl	$1964, %esi
  3d1d:	jb	11
  3d1f:	vbroadcastss	1960(%rdx), %ymm0
  3d28:	jmp	4
  3d2a:	vxorps	%xmm0, %xmm0, %xmm0
  3d2e:	vpblendd	$128, %ymm0, %ymm8, %ymm8
  3d34:	cmpl	$1968, %esi
  3d3a:	jb	11
  3d3c:	vbroadcastss	1964(%rdx), %ymm0
  3d45:	jmp	4
  3d47:	vxorps	%xmm0, %xmm0, %xmm0
  3d4b:	vblendps	$128, %ymm0, %ymm5, %ymm5
  3d51:	vpermilps	$255, %xmm6, %xmm0
  3d57:	vxorps	%xmm6, %xmm6, %xmm6
  3d5b:	vpermilps	$255, %xmm7, %xmm7
  3d61:	vpermilps	$255, %xmm5, %xmm5
  3d67:	movabsq	$139735223148624, %rdx
  3d71:	vbroadcastsd	%xmm0, %ymm0
  3d76:	vbroadcastsd	%xmm7, %ymm7
  3d7b:	vbroadcastsd	%xmm5, %ymm5
  3d80:	vmovaps	%ymm6, %ymm0 {%k1}
  3d86:	vmulps	%ymm0, %ymm4, %ymm0
  3d8a:	vmovaps	%ymm6, %ymm7 {%k1}
  3d90:	vmovaps	%ymm6, %ymm5 {%k1}
  3d96:	vaddps	%ymm3, %ymm0, %ymm0
  3d9a:	vmulps	%ymm0, %ymm7, %ymm0
  3d9e:	vpshufd	$255, %xmm8, %xmm7
  3da4:	vpbroadcastq	%xmm7, %ymm7
  3da9:	vaddps	%ymm3, %ymm0, %ymm0
  3dad:	vmovaps	%ymm6, %ymm7 {%k1}
  3db3:	vmulps	%ymm0, %ymm7, %ymm0
  3db7:	vaddps	%ymm3, %ymm0, %ymm0
  3dbb:	vmulps	%ymm0, %ymm5, %ymm0
  3dbf:	vaddps	%ymm3, %ymm0, %ymm4 {%k2}
  3dc5:	vpcmpnleud	(%rdx){1to8}, %ymm2, %k2
  3dcc:	vptestmd	%ymm1, %ymm1, %k0 {%k2}
  3dd2:	kortestb	%k0, %k0
  3dd6:	je	6598
  3ddc:	kmovd	%k0, %edx
  3de0:	vpxor	%xmm8, %xmm8, %xmm8
  3de5:	vxorps	%xmm7, %xmm7, %xmm7
  3de9:	vxorps	%xmm5, %xmm5, %xmm5
  3ded:	testb	$1, %dl
  3df0:	je	90
  3df2:	movq	(%rbx), %rdx
  3df5:	vxorps	%xmm7, %xmm7, %xmm7
  3df9:	vxorps	%xmm5, %xmm5, %xmm5
  3dfd:	movl	8(%rdx), %esi
  3e00:	movq	(%rdx), %rdx
  3e03:	cmpl	$180, %esi
  3e09:	jb	8
  3e0b:	vmovss	176(%rdx), %xmm5
  3e13:	cmpl	$184, %esi
  3e19:	jb	8
  3e1b:	vmovss	180(%rdx), %xmm7
  3e23:	vxorps	%xmm6, %xmm6, %xmm6
  3e27:	vpxor	%xmm8, %xmm8, %xmm8
  3e2c:	cmpl	$188, %esi
  3e32:	jb	8
  3e34:	vmovd	184(%rdx), %xmm8
  3e3c:	cmpl	$192, %esi
  3e42:	jb	8
  3e44:	vmovss	188(%rdx), %xmm6
  3e4c:	kshiftrb	$1, %k0, %k3
  3e52:	kmovd	%k3, %edx
  3e56:	testb	$1, %dl
  3e59:	je	153
  3e5f:	movq	(%rbx), %rdx
  3e62:	movl	8(%rdx), %esi
  3e65:	movq	(%rdx), %rdx
  3e68:	cmpl	$436, %esi
  3e6e:	jb	18
  3e70:	vpinsrd	$1, 432(%rdx), %xmm5, %xmm0
  3e7a:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  3e80:	jmp	10
  3e82:	vxorps	%xmm0, %xmm0, %xmm0
  3e86:	vblendps	$2, %ymm0, %ymm5, %ymm5
  3e8c:	cmpl	$440, %esi
  3e92:	jb	18
  3e94:	vpinsrd	$1, 436(%rdx), %xmm7, %xmm0
  3e9e:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  3ea4:	jmp	10
  3ea6:	vxorps	%xmm0, %xmm0, %xmm0
  3eaa:	vblendps	$2, %ymm0, %ymm7, %ymm7
  3eb0:	cmpl	$444, %esi
  3eb6:	jb	18
  3eb8:	vpinsrd	$1, 440(%rdx), %xmm8, %xmm0
  3ec2:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  3ec8:	jmp	10
  3eca:	vxorps	%xmm0, %xmm0, %xmm0
  3ece:	vpblendd	$2, %ymm0, %ymm8, %ymm8
  3ed4:	cmpl	$448, %esi
  3eda:	jb	18
  3edc:	vpinsrd	$1, 444(%rdx), %xmm6, %xmm0
  3ee6:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  3eec:	jmp	10
  3eee:	vxorps	%xmm0, %xmm0, %xmm0
  3ef2:	vblendps	$2, %ymm0, %ymm6, %ymm6
  3ef8:	kshiftrb	$2, %k0, %k3
  3efe:	kmovd	%k3, %edx
  3f02:	testb	$1, %dl
  3f05:	je	153
  3f0b:	movq	(%rbx), %rdx
  3f0e:	movl	8(%rdx), %esi
  3f11:	movq	(%rdx), %rdx
  3f14:	cmpl	$692, %esi
  3f1a:	jb	18
  3f1c:	vpinsrd	$2, 688(%rdx), %xmm5, %xmm0
  3f26:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  3f2c:	jmp	10
  3f2e:	vxorps	%xmm0, %xmm0, %xmm0
  3f32:	vblendps	$4, %ymm0, %ymm5, %ymm5
  3f38:	cmpl	$696, %esi
  3f3e:	jb	18
  3f40:	vpinsrd	$2, 692(%rdx), %xmm7, %xmm0
  3f4a:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  3f50:	jmp	10
  3f52:	vxorps	%xmm0, %xmm0, %xmm0
  3f56:	vblendps	$4, %ymm0, %ymm7, %ymm7
  3f5c:	cmpl	$700, %esi
  3f62:	jb	18
  3f64:	vpinsrd	$2, 696(%rdx), %xmm8, %xmm0
  3f6e:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  3f74:	jmp	10
  3f76:	vxorps	%xmm0, %xmm0, %xmm0
  3f7a:	vpblendd	$4, %ymm0, %ymm8, %ymm8
  3f80:	cmpl	$704, %esi
  3f86:	jb	18
  3f88:	vpinsrd	$2, 700(%rdx), %xmm6, %xmm0
  3f92:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  3f98:	jmp	10
  3f9a:	vxorps	%xmm0, %xmm0, %xmm0
  3f9e:	vblendps	$4, %ymm0, %ymm6, %ymm6
  3fa4:	kshiftrb	$3, %k0, %k3
  3faa:	kmovd	%k3, %edx
  3fae:	testb	$1, %dl
  3fb1:	je	153
  3fb7:	movq	(%rbx), %rdx
  3fba:	movl	8(%rdx), %esi
  3fbd:	movq	(%rdx), %rdx
  3fc0:	cmpl	$948, %esi
  3fc6:	jb	18
  3fc8:	vpinsrd	$3, 944(%rdx), %xmm5, %xmm0
  3fd2:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  3fd8:	jmp	10
  3fda:	vxorps	%xmm0, %xmm0, %xmm0
  3fde:	vblendps	$8, %ymm0, %ymm5, %ymm5
  3fe4:	cmpl	$952, %esi
  3fea:	jb	18
  3fec:	vpinsrd	$3, 948(%rdx), %xmm7, %xmm0
  3ff6:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  3ffc:	jmp	10
  3ffe:	vxorps	%xmm0, %xmm0, %xmm0
  4002:	vblendps	$8, %ymm0, %ymm7, %ymm7
  4008:	cmpl	$956, %esi
  400e:	jb	18
  4010:	vpinsrd	$3, 952(%rdx), %xmm8, %xmm0
  401a:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  4020:	jmp	10
  4022:	vxorps	%xmm0, %xmm0, %xmm0
  4026:	vpblendd	$8, %ymm0, %ymm8, %ymm8
  402c:	cmpl	$960, %esi
  4032:	jb	18
  4034:	vpinsrd	$3, 956(%rdx), %xmm6, %xmm0
  403e:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  4044:	jmp	10
  4046:	vxorps	%xmm0, %xmm0, %xmm0
  404a:	vblendps	$8, %ymm0, %ymm6, %ymm6
  4050:	kshiftrb	$4, %k0, %k3
  4056:	kmovd	%k3, %edx
  405a:	testb	$1, %dl
  405d:	je	125
  405f:	movq	(%rbx), %rdx
  4062:	movl	8(%rdx), %esi
  4065:	movq	(%rdx), %rdx
  4068:	cmpl	$1204, %esi
  406e:	jb	11
  4070:	vbroadcastss	1200(%rdx), %ymm0
  4079:	jmp	4
  407b:	vxorps	%xmm0, %xmm0, %xmm0
  407f:	vblendps	$16, %ymm0, %ymm5, %ymm5
  4085:	cmpl	$1208, %esi
  408b:	jb	11
  408d:	vbroadcastss	1204(%rdx), %ymm0
  4096:	jmp	4
  4098:	vxorps	%xmm0, %xmm0, %xmm0
  409c:	vblendps	$16, %ymm0, %ymm7, %ymm7
  40a2:	cmpl	$1212, %esi
  40a8:	jb	11
  40aa:	vbroadcastss	1208(%rdx), %ymm0
  40b3:	jmp	4
  40b5:	vxorps	%xmm0, %xmm0, %xmm0
  40b9:	vpblendd	$16, %ymm0, %ymm8, %ymm8
  40bf:	cmpl	$1216, %esi
  40c5:	jb	11
  40c7:	vbroadcastss	1212(%rdx), %ymm0
  40d0:	jmp	4
  40d2:	vxorps	%xmm0, %xmm0, %xmm0
  40d6:	vblendps	$16, %ymm0, %ymm6, %ymm6
  40dc:	kshiftrb	$5, %k0, %k3
  40e2:	kmovd	%k3, %edx
  40e6:	testb	$1, %dl
  40e9:	je	125
  40eb:	movq	(%rbx), %rdx
  40ee:	movl	8(%rdx), %esi
  40f1:	movq	(%rdx), %rdx
  40f4:	cmpl	$1460, %esi
  40fa:	jb	11
  40fc:	vbroadcastss	1456(%rdx), %ymm0
  4105:	jmp	4
  4107:	vxorps	%xmm0, %xmm0, %xmm0
  410b:	vblendps	$32, %ymm0, %ymm5, %ymm5
  4111:	cmpl	$1464, %esi
  4117:	jb	11
  4119:	vbroadcastss	1460(%rdx), %ymm0
  4122:	jmp	4
  4124:	vxorps	%xmm0, %xmm0, %xmm0
  4128:	vblendps	$32, %ymm0, %ymm7, %ymm7
  412e:	cmpl	$1468, %esi
  4134:	jb	11
  4136:	vbroadcastss	1464(%rdx), %ymm0
  413f:	jmp	4
  4141:	vxorps	%xmm0, %xmm0, %xmm0
  4145:	vpblendd	$32, %ymm0, %ymm8, %ymm8
  414b:	cmpl	$1472, %esi
  4151:	jb	11
  4153:	vbroadcastss	1468(%rdx), %ymm0
  415c:	jmp	4
  415e:	vxorps	%xmm0, %xmm0, %xmm0
  4162:	vblendps	$32, %ymm0, %ymm6, %ymm6
  4168:	kshiftrb	$6, %k0, %k3
  416e:	kmovd	%k3, %edx
  4172:	testb	$1, %dl
  4175:	je	125
  4177:	movq	(%rbx), %rdx
  417a:	movl	8(%rdx), %esi
  417d:	movq	(%rdx), %rdx
  4180:	cmpl	$1716, %esi
  4186:	jb	11
  4188:	vbroadcastss	1712(%rdx), %ymm0
  4191:	jmp	4
  4193:	vxorps	%xmm0, %xmm0, %xmm0
  4197:	vblendps	$64, %ymm0, %ymm5, %ymm5
  419d:	cmpl	$1720, %esi
  41a3:	jb	11
  41a5:	vbroadcastss	1716(%rdx), %ymm0
  41ae:	jmp	4
  41b0:	vxorps	%xmm0, %xmm0, %xmm0
  41b4:	vblendps	$64, %ymm0, %ymm7, %ymm7
  41ba:	cmpl	$1724, %esi
  41c0:	jb	11
  41c2:	vbroadcastss	1720(%rdx), %ymm0
  41cb:	jmp	4
  41cd:	vxorps	%xmm0, %xmm0, %xmm0
  41d1:	vpblendd	$64, %ymm0, %ymm8, %ymm8
  41d7:	cmpl	$1728, %esi
  41dd:	jb	11
  41df:	vbroadcastss	1724(%rdx), %ymm0
  41e8:	jmp	4
  41ea:	vxorps	%xmm0, %xmm0, %xmm0
  41ee:	vblendps	$64, %ymm0, %ymm6, %ymm6
  41f4:	kshiftrb	$7, %k0, %k0
  41fa:	kmovd	%k0, %edx
  41fe:	testb	$1, %dl
  4201:	je	125
  4203:	movq	(%rbx), %rdx
  4206:	movl	8(%rdx), %esi
  4209:	movq	(%rdx), %rdx
  420c:	cmpl	$1972, %esi
  4212:	jb	11
  4214:	vbroadcastss	1968(%rdx), %ymm0
  421d:	jmp	4
  421f:	vxorps	%xmm0, %xmm0, %xmm0
  4223:	vblendps	$128, %ymm0, %ymm5, %ymm5
  4229:	cmpl	$1976, %esi
  422f:	jb	11
  4231:	vbroadcastss	1972(%rdx), %ymm0
  423a:	jmp	4
  423c:	vxorps	%xmm0, %xmm0, %xmm0
  4240:	vblendps	$128, %ymm0, %ymm7, %ymm7
  4246:	cmpl	$1980, %esi
  424c:	jb	11
  424e:	vbroadcastss	1976(%rdx), %ymm0
  4257:	jmp	4
  4259:	vxorps	%xmm0, %xmm0, %xmm0
  425d:	vpblendd	$128, %ymm0, %ymm8, %ymm8
  4263:	cmpl	$1984, %esi
  4269:	jb	11
  426b:	vbroadcastss	1980(%rdx), %ymm0
  4274:	jmp	4
  4276:	vxorps	%xmm0, %xmm0, %xmm0
  427a:	vblendps	$128, %ymm0, %ymm6, %ymm6
  4280:	vpermilps	$255, %xmm5, %xmm0
  4286:	vxorps	%xmm5, %xmm5, %xmm5
  428a:	vpermilps	$255, %xmm7, %xmm7
  4290:	vpermilps	$255, %xmm6, %xmm6
  4296:	movabsq	$139735223148628, %rdx
  42a0:	vbroadcastsd	%xmm0, %ymm0
  42a5:	vbroadcastsd	%xmm7, %ymm7
  42aa:	vbroadcastsd	%xmm6, %ymm6
  42af:	vmovaps	%ymm5, %ymm0 {%k1}
  42b5:	vmulps	%ymm0, %ymm4, %ymm0
  42b9:	vmovaps	%ymm5, %ymm7 {%k1}
  42bf:	vmovaps	%ymm5, %ymm6 {%k1}
  42c5:	vaddps	%ymm3, %ymm0, %ymm0
  42c9:	vmulps	%ymm0, %ymm7, %ymm0
  42cd:	vpshufd	$255, %xmm8, %xmm7
  42d3:	vpbroadcastq	%xmm7, %ymm7
  42d8:	vaddps	%ymm3, %ymm0, %ymm0
  42dc:	vmovaps	%ymm5, %ymm7 {%k1}
  42e2:	vmulps	%ymm0, %ymm7, %ymm0
  42e6:	vaddps	%ymm3, %ymm0, %ymm0
  42ea:	vmulps	%ymm0, %ymm6, %ymm0
  42ee:	vaddps	%ymm3, %ymm0, %ymm4 {%k2}
  42f4:	vpcmpnleud	(%rdx){1to8}, %ymm2, %k2
  42fb:	vptestmd	%ymm1, %ymm1, %k0 {%k2}
  4301:	kortestb	%k0, %k0
  4305:	je	5271
  430b:	kmovd	%k0, %edx
  430f:	vpxor	%xmm8, %xmm8, %xmm8
  4314:	vxorps	%xmm7, %xmm7, %xmm7
  4318:	vxorps	%xmm6, %xmm6, %xmm6
  431c:	testb	$1, %dl
  431f:	je	90
  4321:	movq	(%rbx), %rdx
  4324:	vxorps	%xmm7, %xmm7, %xmm7
  4328:	vxorps	%xmm6, %xmm6, %xmm6
  432c:	movl	8(%rdx), %esi
  432f:	movq	(%rdx), %rdx
  4332:	cmpl	$196, %esi
  4338:	jb	8
  433a:	vmovss	192(%rdx), %xmm6
  4342:	cmpl	$200, %esi
  4348:	jb	8
  434a:	vmovss	196(%rdx), %xmm7
  4352:	vxorps	%xmm5, %xmm5, %xmm5
  4356:	vpxor	%xmm8, %xmm8, %xmm8
  435b:	cmpl	$204, %esi
  4361:	jb	8
  4363:	vmovd	200(%rdx), %xmm8
  436b:	cmpl	$208, %esi
  4371:	jb	8
  4373:	vmovss	204(%rdx), %xmm5
  437b:	kshiftrb	$1, %k0, %k3
  4381:	kmovd	%k3, %edx
  4385:	testb	$1, %dl
  4388:	je	153
  438e:	movq	(%rbx), %rdx
  4391:	movl	8(%rdx), %esi
  4394:	movq	(%rdx), %rdx
  4397:	cmpl	$452, %esi
  439d:	jb	18
  439f:	vpinsrd	$1, 448(%rdx), %xmm6, %xmm0
  43a9:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  43af:	jmp	10
  43b1:	vxorps	%xmm0, %xmm0, %xmm0
  43b5:	vblendps	$2, %ymm0, %ymm6, %ymm6
  43bb:	cmpl	$456, %esi
  43c1:	jb	18
  43c3:	vpinsrd	$1, 452(%rdx), %xmm7, %xmm0
  43cd:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  43d3:	jmp	10
  43d5:	vxorps	%xmm0, %xmm0, %xmm0
  43d9:	vblendps	$2, %ymm0, %ymm7, %ymm7
  43df:	cmpl	$460, %esi
  43e5:	jb	18
  43e7:	vpinsrd	$1, 456(%rdx), %xmm8, %xmm0
  43f1:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  43f7:	jmp	10
  43f9:	vxorps	%xmm0, %xmm0, %xmm0
  43fd:	vpblendd	$2, %ymm0, %ymm8, %ymm8
  4403:	cmpl	$464, %esi
  4409:	jb	18
  440b:	vpinsrd	$1, 460(%rdx), %xmm5, %xmm0
  4415:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  441b:	jmp	10
  441d:	vxorps	%xmm0, %xmm0, %xmm0
  4421:	vblendps	$2, %ymm0, %ymm5, %ymm5
  4427:	kshiftrb	$2, %k0, %k3
  442d:	kmovd	%k3, %edx
  4431:	testb	$1, %dl
  4434:	je	153
  443a:	movq	(%rbx), %rdx
  443d:	movl	8(%rdx), %esi
  4440:	movq	(%rdx), %rdx
  4443:	cmpl	$708, %esi
  4449:	jb	18
  444b:	vpinsrd	$2, 704(%rdx), %xmm6, %xmm0
  4455:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  445b:	jmp	10
  445d:	vxorps	%xmm0, %xmm0, %xmm0
  4461:	vblendps	$4, %ymm0, %ymm6, %ymm6
  4467:	cmpl	$712, %esi
  446d:	jb	18
  446f:	vpinsrd	$2, 708(%rdx), %xmm7, %xmm0
  4479:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  447f:	jmp	10
  4481:	vxorps	%xmm0, %xmm0, %xmm0
  4485:	vblendps	$4, %ymm0, %ymm7, %ymm7
  448b:	cmpl	$716, %esi
  4491:	jb	18
  4493:	vpinsrd	$2, 712(%rdx), %xmm8, %xmm0
  449d:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  44a3:	jmp	10
  44a5:	vxorps	%xmm0, %xmm0, %xmm0
  44a9:	vpblendd	$4, %ymm0, %ymm8, %ymm8
  44af:	cmpl	$720, %esi
  44b5:	jb	18
  44b7:	vpinsrd	$2, 716(%rdx), %xmm5, %xmm0
  44c1:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  44c7:	jmp	10
  44c9:	vxorps	%xmm0, %xmm0, %xmm0
  44cd:	vblendps	$4, %ymm0, %ymm5, %ymm5
  44d3:	kshiftrb	$3, %k0, %k3
  44d9:	kmovd	%k3, %edx
  44dd:	testb	$1, %dl
  44e0:	je	153
  44e6:	movq	(%rbx), %rdx
  44e9:	movl	8(%rdx), %esi
  44ec:	movq	(%rdx), %rdx
  44ef:	cmpl	$964, %esi
  44f5:	jb	18
  44f7:	vpinsrd	$3, 960(%rdx), %xmm6, %xmm0
  4501:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  4507:	jmp	10
  4509:	vxorps	%xmm0, %xmm0, %xmm0
  450d:	vblendps	$8, %ymm0, %ymm6, %ymm6
  4513:	cmpl	$968, %esi
  4519:	jb	18
  451b:	vpinsrd	$3, 964(%rdx), %xmm7, %xmm0
  4525:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  452b:	jmp	10
  452d:	vxorps	%xmm0, %xmm0, %xmm0
  4531:	vblendps	$8, %ymm0, %ymm7, %ymm7
  4537:	cmpl	$972, %esi
  453d:	jb	18
  453f:	vpinsrd	$3, 968(%rdx), %xmm8, %xmm0
  4549:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  454f:	jmp	10
  4551:	vxorps	%xmm0, %xmm0, %xmm0
  4555:	vpblendd	$8, %ymm0, %ymm8, %ymm8
  455b:	cmpl	$976, %esi
  4561:	jb	18
  4563:	vpinsrd	$3, 972(%rdx), %xmm5, %xmm0
  456d:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  4573:	jmp	10
  4575:	vxorps	%xmm0, %xmm0, %xmm0
  4579:	vblendps	$8, %ymm0, %ymm5, %ymm5
  457f:	kshiftrb	$4, %k0, %k3
  4585:	kmovd	%k3, %edx
  4589:	testb	$1, %dl
  458c:	je	125
  458e:	movq	(%rbx), %rdx
  4591:	movl	8(%rdx), %esi
  4594:	movq	(%rdx), %rdx
  4597:	cmpl	$1220, %esi
  459d:	jb	11
  459f:	vbroadcastss	1216(%rdx), %ymm0
  45a8:	jmp	4
  45aa:	vxorps	%xmm0, %xmm0, %xmm0
  45ae:	vblendps	$16, %ymm0, %ymm6, %ymm6
  45b4:	cmpl	$1224, %esi
  45ba:	jb	11
  45bc:	vbroadcastss	1220(%rdx), %ymm0
  45c5:	jmp	4
  45c7:	vxorps	%xmm0, %xmm0, %xmm0
  45cb:	vblendps	$16, %ymm0, %ymm7, %ymm7
  45d1:	cmpl	$1228, %esi
  45d7:	jb	11
  45d9:	vbroadcastss	1224(%rdx), %ymm0
  45e2:	jmp	4
  45e4:	vxorps	%xmm0, %xmm0, %xmm0
  45e8:	vpblendd	$16, %ymm0, %ymm8, %ymm8
  45ee:	cmpl	$1232, %esi
  45f4:	jb	11
  45f6:	vbroadcastss	1228(%rdx), %ymm0
  45ff:	jmp	4
  4601:	vxorps	%xmm0, %xmm0, %xmm0
  4605:	vblendps	$16, %ymm0, %ymm5, %ymm5
  460b:	kshiftrb	$5, %k0, %k3
  4611:	kmovd	%k3, %edx
  4615:	testb	$1, %dl
  4618:	je	125
  461a:	movq	(%rbx), %rdx
  461d:	movl	8(%rdx), %esi
  4620:	movq	(%rdx), %rdx
  4623:	cmpl	$1476, %esi
  4629:	jb	11
  462b:	vbroadcastss	1472(%rdx), %ymm0
  4634:	jmp	4
  4636:	vxorps	%xmm0, %xmm0, %xmm0
  463a:	vblendps	$32, %ymm0, %ymm6, %ymm6
  4640:	cmpl	$1480, %esi
  4646:	jb	11
  4648:	vbroadcastss	1476(%rdx), %ymm0
  4651:	jmp	4
  4653:	vxorps	%xmm0, %xmm0, %xmm0
  4657:	vblendps	$32, %ymm0, %ymm7, %ymm7
  465d:	cmpl	$1484, %esi
  4663:	jb	11
  4665:	vbroadcastss	1480(%rdx), %ymm0
  466e:	jmp	4
  4670:	vxorps	%xmm0, %xmm0, %xmm0
  4674:	vpblendd	$32, %ymm0, %ymm8, %ymm8
  467a:	cmpl	$1488, %esi
  4680:	jb	11
  4682:	vbroadcastss	1484(%rdx), %ymm0
  468b:	jmp	4
  468d:	vxorps	%xmm0, %xmm0, %xmm0
  4691:	vblendps	$32, %ymm0, %ymm5, %ymm5
  4697:	kshiftrb	$6, %k0, %k3
  469d:	kmovd	%k3, %edx
  46a1:	testb	$1, %dl
  46a4:	je	125
  46a6:	movq	(%rbx), %rdx
  46a9:	movl	8(%rdx), %esi
  46ac:	movq	(%rdx), %rdx
  46af:	cmpl	$1732, %esi
  46b5:	jb	11
  46b7:	vbroadcastss	1728(%rdx), %ymm0
  46c0:	jmp	4
  46c2:	vxorps	%xmm0, %xmm0, %xmm0
  46c6:	vblendps	$64, %ymm0, %ymm6, %ymm6
  46cc:	cmpl	$1736, %esi
  46d2:	jb	11
  46d4:	vbroadcastss	1732(%rdx), %ymm0
  46dd:	jmp	4
  46df:	vxorps	%xmm0, %xmm0, %xmm0
  46e3:	vblendps	$64, %ymm0, %ymm7, %ymm7
  46e9:	cmpl	$1740, %esi
  46ef:	jb	11
  46f1:	vbroadcastss	1736(%rdx), %ymm0
  46fa:	jmp	4
  46fc:	vxorps	%xmm0, %xmm0, %xmm0
  4700:	vpblendd	$64, %ymm0, %ymm8, %ymm8
  4706:	cmpl	$1744, %esi
  470c:	jb	11
  470e:	vbroadcastss	1740(%rdx), %ymm0
  4717:	jmp	4
  4719:	vxorps	%xmm0, %xmm0, %xmm0
  471d:	vblendps	$64, %ymm0, %ymm5, %ymm5
  4723:	kshiftrb	$7, %k0, %k0
  4729:	kmovd	%k0, %edx
  472d:	testb	$1, %dl
  4730:	je	125
  4732:	movq	(%rbx), %rdx
  4735:	movl	8(%rdx), %esi
  4738:	movq	(%rdx), %rdx
  473b:	cmpl	$1988, %esi
  4741:	jb	11
  4743:	vbroadcastss	1984(%rdx), %ymm0
  474c:	jmp	4
  474e:	vxorps	%xmm0, %xmm0, %xmm0
  4752:	vblendps	$128, %ymm0, %ymm6, %ymm6
  4758:	cmpl	$1992, %esi
  475e:	jb	11
  4760:	vbroadcastss	1988(%rdx), %ymm0
  4769:	jmp	4
  476b:	vxorps	%xmm0, %xmm0, %xmm0
  476f:	vblendps	$128, %ymm0, %ymm7, %ymm7
  4775:	cmpl	$1996, %esi
  477b:	jb	11
  477d:	vbroadcastss	1992(%rdx), %ymm0
  4786:	jmp	4
  4788:	vxorps	%xmm0, %xmm0, %xmm0
  478c:	vpblendd	$128, %ymm0, %ymm8, %ymm8
  4792:	cmpl	$2000, %esi
  4798:	jb	11
  479a:	vbroadcastss	1996(%rdx), %ymm0
  47a3:	jmp	4
  47a5:	vxorps	%xmm0, %xmm0, %xmm0
  47a9:	vblendps	$128, %ymm0, %ymm5, %ymm5
  47af:	vpermilps	$255, %xmm6, %xmm0
  47b5:	vxorps	%xmm6, %xmm6, %xmm6
  47b9:	vpermilps	$255, %xmm7, %xmm7
  47bf:	vpermilps	$255, %xmm5, %xmm5
  47c5:	movabsq	$139735223148632, %rdx
  47cf:	vbroadcastsd	%xmm0, %ymm0
  47d4:	vbroadcastsd	%xmm7, %ymm7
  47d9:	vbroadcastsd	%xmm5, %ymm5
  47de:	vmovaps	%ymm6, %ymm0 {%k1}
  47e4:	vmulps	%ymm0, %ymm4, %ymm0
  47e8:	vmovaps	%ymm6, %ymm7 {%k1}
  47ee:	vmovaps	%ymm6, %ymm5 {%k1}
  47f4:	vaddps	%ymm3, %ymm0, %ymm0
  47f8:	vmulps	%ymm0, %ymm7, %ymm0
  47fc:	vpshufd	$255, %xmm8, %xmm7
  4802:	vpbroadcastq	%xmm7, %ymm7
  4807:	vaddps	%ymm3, %ymm0, %ymm0
  480b:	vmovaps	%ymm6, %ymm7 {%k1}
  4811:	vmulps	%ymm0, %ymm7, %ymm0
  4815:	vaddps	%ymm3, %ymm0, %ymm0
  4819:	vmulps	%ymm0, %ymm5, %ymm0
  481d:	vaddps	%ymm3, %ymm0, %ymm4 {%k2}
  4823:	vpcmpnleud	(%rdx){1to8}, %ymm2, %k2
  482a:	vptestmd	%ymm1, %ymm1, %k0 {%k2}
  4830:	kortestb	%k0, %k0
  4834:	je	3944
  483a:	kmovd	%k0, %edx
  483e:	vpxor	%xmm8, %xmm8, %xmm8
  4843:	vxorps	%xmm5, %xmm5, %xmm5
  4847:	vxorps	%xmm7, %xmm7, %xmm7
  484b:	testb	$1, %dl
  484e:	je	90
  4850:	movq	(%rbx), %rdx
  4853:	vxorps	%xmm5, %xmm5, %xmm5
  4857:	vxorps	%xmm7, %xmm7, %xmm7
  485b:	movl	8(%rdx), %esi
  485e:	movq	(%rdx), %rdx
  4861:	cmpl	$212, %esi
  4867:	jb	8
  4869:	vmovss	208(%rdx), %xmm7
  4871:	cmpl	$216, %esi
  4877:	jb	8
  4879:	vmovss	212(%rdx), %xmm5
  4881:	vxorps	%xmm6, %xmm6, %xmm6
  4885:	vpxor	%xmm8, %xmm8, %xmm8
  488a:	cmpl	$220, %esi
  4890:	jb	8
  4892:	vmovd	216(%rdx), %xmm8
  489a:	cmpl	$224, %esi
  48a0:	jb	8
  48a2:	vmovss	220(%rdx), %xmm6
  48aa:	kshiftrb	$1, %k0, %k3
  48b0:	kmovd	%k3, %edx
  48b4:	testb	$1, %dl
  48b7:	je	153
  48bd:	movq	(%rbx), %rdx
  48c0:	movl	8(%rdx), %esi
  48c3:	movq	(%rdx), %rdx
  48c6:	cmpl	$468, %esi
  48cc:	jb	18
  48ce:	vpinsrd	$1, 464(%rdx), %xmm7, %xmm0
  48d8:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  48de:	jmp	10
  48e0:	vxorps	%xmm0, %xmm0, %xmm0
  48e4:	vblendps	$2, %ymm0, %ymm7, %ymm7
  48ea:	cmpl	$472, %esi
  48f0:	jb	18
  48f2:	vpinsrd	$1, 468(%rdx), %xmm5, %xmm0
  48fc:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  4902:	jmp	10
  4904:	vxorps	%xmm0, %xmm0, %xmm0
  4908:	vblendps	$2, %ymm0, %ymm5, %ymm5
  490e:	cmpl	$476, %esi
  4914:	jb	18
  4916:	vpinsrd	$1, 472(%rdx), %xmm8, %xmm0
  4920:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  4926:	jmp	10
  4928:	vxorps	%xmm0, %xmm0, %xmm0
  492c:	vpblendd	$2, %ymm0, %ymm8, %ymm8
  4932:	cmpl	$480, %esi
  4938:	jb	18
  493a:	vpinsrd	$1, 476(%rdx), %xmm6, %xmm0
  4944:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  494a:	jmp	10
  494c:	vxorps	%xmm0, %xmm0, %xmm0
  4950:	vblendps	$2, %ymm0, %ymm6, %ymm6
  4956:	kshiftrb	$2, %k0, %k3
  495c:	kmovd	%k3, %edx
  4960:	testb	$1, %dl
  4963:	je	153
  4969:	movq	(%rbx), %rdx
  496c:	movl	8(%rdx), %esi
  496f:	movq	(%rdx), %rdx
  4972:	cmpl	$724, %esi
  4978:	jb	18
  497a:	vpinsrd	$2, 720(%rdx), %xmm7, %xmm0
  4984:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  498a:	jmp	10
  498c:	vxorps	%xmm0, %xmm0, %xmm0
  4990:	vblendps	$4, %ymm0, %ymm7, %ymm7
  4996:	cmpl	$728, %esi
  499c:	jb	18
  499e:	vpinsrd	$2, 724(%rdx), %xmm5, %xmm0
  49a8:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  49ae:	jmp	10
  49b0:	vxorps	%xmm0, %xmm0, %xmm0
  49b4:	vblendps	$4, %ymm0, %ymm5, %ymm5
  49ba:	cmpl	$732, %esi
  49c0:	jb	18
  49c2:	vpinsrd	$2, 728(%rdx), %xmm8, %xmm0
  49cc:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  49d2:	jmp	10
  49d4:	vxorps	%xmm0, %xmm0, %xmm0
  49d8:	vpblendd	$4, %ymm0, %ymm8, %ymm8
  49de:	cmpl	$736, %esi
  49e4:	jb	18
  49e6:	vpinsrd	$2, 732(%rdx), %xmm6, %xmm0
  49f0:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  49f6:	jmp	10
  49f8:	vxorps	%xmm0, %xmm0, %xmm0
  49fc:	vblendps	$4, %ymm0, %ymm6, %ymm6
  4a02:	kshiftrb	$3, %k0, %k3
  4a08:	kmovd	%k3, %edx
  4a0c:	testb	$1, %dl
  4a0f:	je	153
  4a15:	movq	(%rbx), %rdx
  4a18:	movl	8(%rdx), %esi
  4a1b:	movq	(%rdx), %rdx
  4a1e:	cmpl	$980, %esi
  4a24:	jb	18
  4a26:	vpinsrd	$3, 976(%rdx), %xmm7, %xmm0
  4a30:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  4a36:	jmp	10
  4a38:	vxorps	%xmm0, %xmm0, %xmm0
  4a3c:	vblendps	$8, %ymm0, %ymm7, %ymm7
  4a42:	cmpl	$984, %esi
  4a48:	jb	18
  4a4a:	vpinsrd	$3, 980(%rdx), %xmm5, %xmm0
  4a54:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  4a5a:	jmp	10
  4a5c:	vxorps	%xmm0, %xmm0, %xmm0
  4a60:	vblendps	$8, %ymm0, %ymm5, %ymm5
  4a66:	cmpl	$988, %esi
  4a6c:	jb	18
  4a6e:	vpinsrd	$3, 984(%rdx), %xmm8, %xmm0
  4a78:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  4a7e:	jmp	10
  4a80:	vxorps	%xmm0, %xmm0, %xmm0
  4a84:	vpblendd	$8, %ymm0, %ymm8, %ymm8
  4a8a:	cmpl	$992, %esi
  4a90:	jb	18
  4a92:	vpinsrd	$3, 988(%rdx), %xmm6, %xmm0
  4a9c:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  4aa2:	jmp	10
  4aa4:	vxorps	%xmm0, %xmm0, %xmm0
  4aa8:	vblendps	$8, %ymm0, %ymm6, %ymm6
  4aae:	kshiftrb	$4, %k0, %k3
  4ab4:	kmovd	%k3, %edx
  4ab8:	testb	$1, %dl
  4abb:	je	125
  4abd:	movq	(%rbx), %rdx
  4ac0:	movl	8(%rdx), %esi
  4ac3:	movq	(%rdx), %rdx
  4ac6:	cmpl	$1236, %esi
  4acc:	jb	11
  4ace:	vbroadcastss	1232(%rdx), %ymm0
  4ad7:	jmp	4
  4ad9:	vxorps	%xmm0, %xmm0, %xmm0
  4add:	vblendps	$16, %ymm0, %ymm7, %ymm7
  4ae3:	cmpl	$1240, %esi
  4ae9:	jb	11
  4aeb:	vbroadcastss	1236(%rdx), %ymm0
  4af4:	jmp	4
  4af6:	vxorps	%xmm0, %xmm0, %xmm0
  4afa:	vblendps	$16, %ymm0, %ymm5, %ymm5
  4b00:	cmpl	$1244, %esi
  4b06:	jb	11
  4b08:	vbroadcastss	1240(%rdx), %ymm0
  4b11:	jmp	4
  4b13:	vxorps	%xmm0, %xmm0, %xmm0
  4b17:	vpblendd	$16, %ymm0, %ymm8, %ymm8
  4b1d:	cmpl	$1248, %esi
  4b23:	jb	11
  4b25:	vbroadcastss	1244(%rdx), %ymm0
  4b2e:	jmp	4
  4b30:	vxorps	%xmm0, %xmm0, %xmm0
  4b34:	vblendps	$16, %ymm0, %ymm6, %ymm6
  4b3a:	kshiftrb	$5, %k0, %k3
  4b40:	kmovd	%k3, %edx
  4b44:	testb	$1, %dl
  4b47:	je	125
  4b49:	movq	(%rbx), %rdx
  4b4c:	movl	8(%rdx), %esi
  4b4f:	movq	(%rdx), %rdx
  4b52:	cmpl	$1492, %esi
  4b58:	jb	11
  4b5a:	vbroadcastss	1488(%rdx), %ymm0
  4b63:	jmp	4
  4b65:	vxorps	%xmm0, %xmm0, %xmm0
  4b69:	vblendps	$32, %ymm0, %ymm7, %ymm7
  4b6f:	cmpl	$1496, %esi
  4b75:	jb	11
  4b77:	vbroadcastss	1492(%rdx), %ymm0
  4b80:	jmp	4
  4b82:	vxorps	%xmm0, %xmm0, %xmm0
  4b86:	vblendps	$32, %ymm0, %ymm5, %ymm5
  4b8c:	cmpl	$1500, %esi
  4b92:	jb	11
  4b94:	vbroadcastss	1496(%rdx), %ymm0
  4b9d:	jmp	4
  4b9f:	vxorps	%xmm0, %xmm0, %xmm0
  4ba3:	vpblendd	$32, %ymm0, %ymm8, %ymm8
  4ba9:	cmpl	$1504, %esi
  4baf:	jb	11
  4bb1:	vbroadcastss	1500(%rdx), %ymm0
  4bba:	jmp	4
  4bbc:	vxorps	%xmm0, %xmm0, %xmm0
  4bc0:	vblendps	$32, %ymm0, %ymm6, %ymm6
  4bc6:	kshiftrb	$6, %k0, %k3
  4bcc:	kmovd	%k3, %edx
  4bd0:	testb	$1, %dl
  4bd3:	je	125
  4bd5:	movq	(%rbx), %rdx
  4bd8:	movl	8(%rdx), %esi
  4bdb:	movq	(%rdx), %rdx
  4bde:	cmpl	$1748, %esi
  4be4:	jb	11
  4be6:	vbroadcastss	1744(%rdx), %ymm0
  4bef:	jmp	4
  4bf1:	vxorps	%xmm0, %xmm0, %xmm0
  4bf5:	vblendps	$64, %ymm0, %ymm7, %ymm7
  4bfb:	cmpl	$1752, %esi
  4c01:	jb	11
  4c03:	vbroadcastss	1748(%rdx), %ymm0
  4c0c:	jmp	4
  4c0e:	vxorps	%xmm0, %xmm0, %xmm0
  4c12:	vblendps	$64, %ymm0, %ymm5, %ymm5
  4c18:	cmpl	$1756, %esi
  4c1e:	jb	11
  4c20:	vbroadcastss	1752(%rdx), %ymm0
  4c29:	jmp	4
  4c2b:	vxorps	%xmm0, %xmm0, %xmm0
  4c2f:	vpblendd	$64, %ymm0, %ymm8, %ymm8
  4c35:	cmpl	$1760, %esi
  4c3b:	jb	11
  4c3d:	vbroadcastss	1756(%rdx), %ymm0
  4c46:	jmp	4
  4c48:	vxorps	%xmm0, %xmm0, %xmm0
  4c4c:	vblendps	$64, %ymm0, %ymm6, %ymm6
  4c52:	kshiftrb	$7, %k0, %k0
  4c58:	kmovd	%k0, %edx
  4c5c:	testb	$1, %dl
  4c5f:	je	125
  4c61:	movq	(%rbx), %rdx
  4c64:	movl	8(%rdx), %esi
  4c67:	movq	(%rdx), %rdx
  4c6a:	cmpl	$2004, %esi
  4c70:	jb	11
  4c72:	vbroadcastss	2000(%rdx), %ymm0
  4c7b:	jmp	4
  4c7d:	vxorps	%xmm0, %xmm0, %xmm0
  4c81:	vblendps	$128, %ymm0, %ymm7, %ymm7
  4c87:	cmpl	$2008, %esi
  4c8d:	jb	11
  4c8f:	vbroadcastss	2004(%rdx), %ymm0
  4c98:	jmp	4
  4c9a:	vxorps	%xmm0, %xmm0, %xmm0
  4c9e:	vblendps	$128, %ymm0, %ymm5, %ymm5
  4ca4:	cmpl	$2012, %esi
  4caa:	jb	11
  4cac:	vbroadcastss	2008(%rdx), %ymm0
  4cb5:	jmp	4
  4cb7:	vxorps	%xmm0, %xmm0, %xmm0
  4cbb:	vpblendd	$128, %ymm0, %ymm8, %ymm8
  4cc1:	cmpl	$2016, %esi
  4cc7:	jb	11
  4cc9:	vbroadcastss	2012(%rdx), %ymm0
  4cd2:	jmp	4
  4cd4:	vxorps	%xmm0, %xmm0, %xmm0
  4cd8:	vblendps	$128, %ymm0, %ymm6, %ymm6
  4cde:	vpermilps	$255, %xmm7, %xmm0
  4ce4:	vxorps	%xmm7, %xmm7, %xmm7
  4ce8:	vpermilps	$255, %xmm5, %xmm5
  4cee:	movabsq	$139735223148636, %rdx
  4cf8:	vbroadcastsd	%xmm0, %ymm0
  4cfd:	vbroadcastsd	%xmm5, %ymm5
  4d02:	vmovaps	%ymm7, %ymm0 {%k1}
  4d08:	vmulps	%ymm0, %ymm4, %ymm0
  4d0c:	vmovaps	%ymm7, %ymm5 {%k1}
  4d12:	vaddps	%ymm3, %ymm0, %ymm0
  4d16:	vmulps	%ymm0, %ymm5, %ymm0
  4d1a:	vpshufd	$255, %xmm8, %xmm5
  4d20:	vpbroadcastq	%xmm5, %ymm5
  4d25:	vaddps	%ymm3, %ymm0, %ymm0
  4d29:	vmovaps	%ymm7, %ymm5 {%k1}
  4d2f:	vmulps	%ymm0, %ymm5, %ymm0
  4d33:	vpermilps	$255, %xmm6, %xmm5
  4d39:	vbroadcastsd	%xmm5, %ymm5
  4d3e:	vaddps	%ymm3, %ymm0, %ymm0
  4d42:	vmovaps	%ymm7, %ymm5 {%k1}
  4d48:	vmulps	%ymm0, %ymm5, %ymm0
  4d4c:	vaddps	%ymm3, %ymm0, %ymm4 {%k2}
  4d52:	vpcmpnleud	(%rdx){1to8}, %ymm2, %k2
  4d59:	vptestmd	%ymm1, %ymm1, %k0 {%k2}
  4d5f:	kortestb	%k0, %k0
  4d63:	je	2617
  4d69:	kmovd	%k0, %edx
  4d6d:	vpxor	%xmm8, %xmm8, %xmm8
  4d72:	vxorps	%xmm6, %xmm6, %xmm6
  4d76:	vxorps	%xmm5, %xmm5, %xmm5
  4d7a:	testb	$1, %dl
  4d7d:	je	90
  4d7f:	movq	(%rbx), %rdx
  4d82:	vxorps	%xmm6, %xmm6, %xmm6
  4d86:	vxorps	%xmm5, %xmm5, %xmm5
  4d8a:	movl	8(%rdx), %esi
  4d8d:	movq	(%rdx), %rdx
  4d90:	cmpl	$228, %esi
  4d96:	jb	8
  4d98:	vmovss	224(%rdx), %xmm5
  4da0:	cmpl	$232, %esi
  4da6:	jb	8
  4da8:	vmovss	228(%rdx), %xmm6
  4db0:	vxorps	%xmm7, %xmm7, %xmm7
  4db4:	vpxor	%xmm8, %xmm8, %xmm8
  4db9:	cmpl	$236, %esi
  4dbf:	jb	8
  4dc1:	vmovd	232(%rdx), %xmm8
  4dc9:	cmpl	$240, %esi
  4dcf:	jb	8
  4dd1:	vmovss	236(%rdx), %xmm7
  4dd9:	kshiftrb	$1, %k0, %k3
  4ddf:	kmovd	%k3, %edx
  4de3:	testb	$1, %dl
  4de6:	je	153
  4dec:	movq	(%rbx), %rdx
  4def:	movl	8(%rdx), %esi
  4df2:	movq	(%rdx), %rdx
  4df5:	cmpl	$484, %esi
  4dfb:	jb	18
  4dfd:	vpinsrd	$1, 480(%rdx), %xmm5, %xmm0
  4e07:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  4e0d:	jmp	10
  4e0f:	vxorps	%xmm0, %xmm0, %xmm0
  4e13:	vblendps	$2, %ymm0, %ymm5, %ymm5
  4e19:	cmpl	$488, %esi
  4e1f:	jb	18
  4e21:	vpinsrd	$1, 484(%rdx), %xmm6, %xmm0
  4e2b:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  4e31:	jmp	10
  4e33:	vxorps	%xmm0, %xmm0, %xmm0
  4e37:	vblendps	$2, %ymm0, %ymm6, %ymm6
  4e3d:	cmpl	$492, %esi
  4e43:	jb	18
  4e45:	vpinsrd	$1, 488(%rdx), %xmm8, %xmm0
  4e4f:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  4e55:	jmp	10
  4e57:	vxorps	%xmm0, %xmm0, %xmm0
  4e5b:	vpblendd	$2, %ymm0, %ymm8, %ymm8
  4e61:	cmpl	$496, %esi
  4e67:	jb	18
  4e69:	vpinsrd	$1, 492(%rdx), %xmm7, %xmm0
  4e73:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  4e79:	jmp	10
  4e7b:	vxorps	%xmm0, %xmm0, %xmm0
  4e7f:	vblendps	$2, %ymm0, %ymm7, %ymm7
  4e85:	kshiftrb	$2, %k0, %k3
  4e8b:	kmovd	%k3, %edx
  4e8f:	testb	$1, %dl
  4e92:	je	153
  4e98:	movq	(%rbx), %rdx
  4e9b:	movl	8(%rdx), %esi
  4e9e:	movq	(%rdx), %rdx
  4ea1:	cmpl	$740, %esi
  4ea7:	jb	18
  4ea9:	vpinsrd	$2, 736(%rdx), %xmm5, %xmm0
  4eb3:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  4eb9:	jmp	10
  4ebb:	vxorps	%xmm0, %xmm0, %xmm0
  4ebf:	vblendps	$4, %ymm0, %ymm5, %ymm5
  4ec5:	cmpl	$744, %esi
  4ecb:	jb	18
  4ecd:	vpinsrd	$2, 740(%rdx), %xmm6, %xmm0
  4ed7:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  4edd:	jmp	10
  4edf:	vxorps	%xmm0, %xmm0, %xmm0
  4ee3:	vblendps	$4, %ymm0, %ymm6, %ymm6
  4ee9:	cmpl	$748, %esi
  4eef:	jb	18
  4ef1:	vpinsrd	$2, 744(%rdx), %xmm8, %xmm0
  4efb:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  4f01:	jmp	10
  4f03:	vxorps	%xmm0, %xmm0, %xmm0
  4f07:	vpblendd	$4, %ymm0, %ymm8, %ymm8
  4f0d:	cmpl	$752, %esi
  4f13:	jb	18
  4f15:	vpinsrd	$2, 748(%rdx), %xmm7, %xmm0
  4f1f:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  4f25:	jmp	10
  4f27:	vxorps	%xmm0, %xmm0, %xmm0
  4f2b:	vblendps	$4, %ymm0, %ymm7, %ymm7
  4f31:	kshiftrb	$3, %k0, %k3
  4f37:	kmovd	%k3, %edx
  4f3b:	testb	$1, %dl
  4f3e:	je	153
  4f44:	movq	(%rbx), %rdx
  4f47:	movl	8(%rdx), %esi
  4f4a:	movq	(%rdx), %rdx
  4f4d:	cmpl	$996, %esi
  4f53:	jb	18
  4f55:	vpinsrd	$3, 992(%rdx), %xmm5, %xmm0
  4f5f:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  4f65:	jmp	10
  4f67:	vxorps	%xmm0, %xmm0, %xmm0
  4f6b:	vblendps	$8, %ymm0, %ymm5, %ymm5
  4f71:	cmpl	$1000, %esi
  4f77:	jb	18
  4f79:	vpinsrd	$3, 996(%rdx), %xmm6, %xmm0
  4f83:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  4f89:	jmp	10
  4f8b:	vxorps	%xmm0, %xmm0, %xmm0
  4f8f:	vblendps	$8, %ymm0, %ymm6, %ymm6
  4f95:	cmpl	$1004, %esi
  4f9b:	jb	18
  4f9d:	vpinsrd	$3, 1000(%rdx), %xmm8, %xmm0
  4fa7:	vpblendd	$15, %ymm0, %ymm8, %ymm8
  4fad:	jmp	10
  4faf:	vxorps	%xmm0, %xmm0, %xmm0
  4fb3:	vpblendd	$8, %ymm0, %ymm8, %ymm8
  4fb9:	cmpl	$1008, %esi
  4fbf:	jb	18
  4fc1:	vpinsrd	$3, 1004(%rdx), %xmm7, %xmm0
  4fcb:	vpblendd	$15, %ymm0, %ymm7, %ymm7
  4fd1:	jmp	10
  4fd3:	vxorps	%xmm0, %xmm0, %xmm0
  4fd7:	vblendps	$8, %ymm0, %ymm7, %ymm7
  4fdd:	kshiftrb	$4, %k0, %k3
  4fe3:	kmovd	%k3, %edx
  4fe7:	testb	$1, %dl
  4fea:	je	125
  4fec:	movq	(%rbx), %rdx
  4fef:	movl	8(%rdx), %esi
  4ff2:	movq	(%rdx), %rdx
  4ff5:	cmpl	$1252, %esi
  4ffb:	jb	11
  4ffd:	vbroadcastss	1248(%rdx), %ymm0
  5006:	jmp	4
  5008:	vxorps	%xmm0, %xmm0, %xmm0
  500c:	vblendps	$16, %ymm0, %ymm5, %ymm5
  5012:	cmpl	$1256, %esi
  5018:	jb	11
  501a:	vbroadcastss	1252(%rdx), %ymm0
  5023:	jmp	4
  5025:	vxorps	%xmm0, %xmm0, %xmm0
  5029:	vblendps	$16, %ymm0, %ymm6, %ymm6
  502f:	cmpl	$1260, %esi
  5035:	jb	11
  5037:	vbroadcastss	1256(%rdx), %ymm0
  5040:	jmp	4
  5042:	vxorps	%xmm0, %xmm0, %xmm0
  5046:	vpblendd	$16, %ymm0, %ymm8, %ymm8
  504c:	cmpl	$1264, %esi
  5052:	jb	11
  5054:	vbroadcastss	1260(%rdx), %ymm0
  505d:	jmp	4
  505f:	vxorps	%xmm0, %xmm0, %xmm0
  5063:	vblendps	$16, %ymm0, %ymm7, %ymm7
  5069:	kshiftrb	$5, %k0, %k3
  506f:	kmovd	%k3, %edx
  5073:	testb	$1, %dl
  5076:	je	125
  5078:	movq	(%rbx), %rdx
  507b:	movl	8(%rdx), %esi
  507e:	movq	(%rdx), %rdx
  5081:	cmpl	$1508, %esi
  5087:	jb	11
  5089:	vbroadcastss	1504(%rdx), %ymm0
  5092:	jmp	4
  5094:	vxorps	%xmm0, %xmm0, %xmm0
  5098:	vblendps	$32, %ymm0, %ymm5, %ymm5
  509e:	cmpl	$1512, %esi
  50a4:	jb	11
  50a6:	vbroadcastss	1508(%rdx), %ymm0
  50af:	jmp	4
  50b1:	vxorps	%xmm0, %xmm0, %xmm0
  50b5:	vblendps	$32, %ymm0, %ymm6, %ymm6
  50bb:	cmpl	$1516, %esi
  50c1:	jb	11
  50c3:	vbroadcastss	1512(%rdx), %ymm0
  50cc:	jmp	4
  50ce:	vxorps	%xmm0, %xmm0, %xmm0
  50d2:	vpblendd	$32, %ymm0, %ymm8, %ymm8
  50d8:	cmpl	$1520, %esi
  50de:	jb	11
  50e0:	vbroadcastss	1516(%rdx), %ymm0
  50e9:	jmp	4
  50eb:	vxorps	%xmm0, %xmm0, %xmm0
  50ef:	vblendps	$32, %ymm0, %ymm7, %ymm7
  50f5:	kshiftrb	$6, %k0, %k3
  50fb:	kmovd	%k3, %edx
  50ff:	testb	$1, %dl
  5102:	je	125
  5104:	movq	(%rbx), %rdx
  5107:	movl	8(%rdx), %esi
  510a:	movq	(%rdx), %rdx
  510d:	cmpl	$1764, %esi
  5113:	jb	11
  5115:	vbroadcastss	1760(%rdx), %ymm0
  511e:	jmp	4
  5120:	vxorps	%xmm0, %xmm0, %xmm0
  5124:	vblendps	$64, %ymm0, %ymm5, %ymm5
  512a:	cmpl	$1768, %esi
  5130:	jb	11
  5132:	vbroadcastss	1764(%rdx), %ymm0
  513b:	jmp	4
  513d:	vxorps	%xmm0, %xmm0, %xmm0
  5141:	vblendps	$64, %ymm0, %ymm6, %ymm6
  5147:	cmpl	$1772, %esi
  514d:	jb	11
  514f:	vbroadcastss	1768(%rdx), %ymm0
  5158:	jmp	4
  515a:	vxorps	%xmm0, %xmm0, %xmm0
  515e:	vpblendd	$64, %ymm0, %ymm8, %ymm8
  5164:	cmpl	$1776, %esi
  516a:	jb	11
  516c:	vbroadcastss	1772(%rdx), %ymm0
  5175:	jmp	4
  5177:	vxorps	%xmm0, %xmm0, %xmm0
  517b:	vblendps	$64, %ymm0, %ymm7, %ymm7
  5181:	kshiftrb	$7, %k0, %k0
  5187:	kmovd	%k0, %edx
  518b:	testb	$1, %dl
  518e:	je	125
  5190:	movq	(%rbx), %rdx
  5193:	movl	8(%rdx), %esi
  5196:	movq	(%rdx), %rdx
  5199:	cmpl	$2020, %esi
  519f:	jb	11
  51a1:	vbroadcastss	2016(%rdx), %ymm0
  51aa:	jmp	4
  51ac:	vxorps	%xmm0, %xmm0, %xmm0
  51b0:	vblendps	$128, %ymm0, %ymm5, %ymm5
  51b6:	cmpl	$2024, %esi
  51bc:	jb	11
  51be:	vbroadcastss	2020(%rdx), %ymm0
  51c7:	jmp	4
  51c9:	vxorps	%xmm0, %xmm0, %xmm0
  51cd:	vblendps	$128, %ymm0, %ymm6, %ymm6
  51d3:	cmpl	$2028, %esi
  51d9:	jb	11
  51db:	vbroadcastss	2024(%rdx), %ymm0
  51e4:	jmp	4
  51e6:	vxorps	%xmm0, %xmm0, %xmm0
  51ea:	vpblendd	$128, %ymm0, %ymm8, %ymm8
  51f0:	cmpl	$2032, %esi
  51f6:	jb	11
  51f8:	vbroadcastss	2028(%rdx), %ymm0
  5201:	jmp	4
  5203:	vxorps	%xmm0, %xmm0, %xmm0
  5207:	vblendps	$128, %ymm0, %ymm7, %ymm7
  520d:	vpermilps	$255, %xmm5, %xmm0
  5213:	vxorps	%xmm5, %xmm5, %xmm5
  5217:	vpermilps	$255, %xmm6, %xmm6
  521d:	movabsq	$139735223148640, %rdx
  5227:	vbroadcastsd	%xmm0, %ymm0
  522c:	vbroadcastsd	%xmm6, %ymm6
  5231:	vmovaps	%ymm5, %ymm0 {%k1}
  5237:	vmulps	%ymm0, %ymm4, %ymm0
  523b:	vmovaps	%ymm5, %ymm6 {%k1}
  5241:	vaddps	%ymm3, %ymm0, %ymm0
  5245:	vmulps	%ymm0, %ymm6, %ymm0
  5249:	vpshufd	$255, %xmm8, %xmm6
  524f:	vpbroadcastq	%xmm6, %ymm6
  5254:	vaddps	%ymm3, %ymm0, %ymm0
  5258:	vmovaps	%ymm5, %ymm6 {%k1}
  525e:	vmulps	%ymm0, %ymm6, %ymm0
  5262:	vpermilps	$255, %xmm7, %xmm6
  5268:	vbroadcastsd	%xmm6, %ymm6
  526d:	vaddps	%ymm3, %ymm0, %ymm0
  5271:	vmovaps	%ymm5, %ymm6 {%k1}
  5277:	vmulps	%ymm0, %ymm6, %ymm0
  527b:	vaddps	%ymm3, %ymm0, %ymm4 {%k2}
  5281:	vpcmpnleud	(%rdx){1to8}, %ymm2, %k2
  5288:	vptestmd	%ymm1, %ymm1, %k0 {%k2}
  528e:	kortestb	%k0, %k0
  5292:	je	1290
  5298:	kmovd	%k0, %edx
  529c:	vpxor	%xmm2, %xmm2, %xmm2
  52a0:	vxorps	%xmm6, %xmm6, %xmm6
  52a4:	vpxor	%xmm1, %xmm1, %xmm1
  52a8:	testb	$1, %dl
  52ab:	je	89
  52ad:	movq	(%rbx), %rdx
  52b0:	vxorps	%xmm5, %xmm5, %xmm5
  52b4:	vpxor	%xmm2, %xmm2, %xmm2
  52b8:	movl	8(%rdx), %esi
  52bb:	movq	(%rdx), %rdx
  52be:	cmpl	$244, %esi
  52c4:	jb	8
  52c6:	vmovd	240(%rdx), %xmm2
  52ce:	cmpl	$248, %esi
  52d4:	jb	8
  52d6:	vmovss	244(%rdx), %xmm5
  52de:	vpxor	%xmm1, %xmm1, %xmm1
  52e2:	vxorps	%xmm6, %xmm6, %xmm6
  52e6:	cmpl	$252, %esi
  52ec:	jb	8
  52ee:	vmovss	248(%rdx), %xmm6
  52f6:	cmpl	$256, %esi
  52fc:	jb	8
  52fe:	vmovd	252(%rdx), %xmm1
  5306:	kshiftrb	$1, %k0, %k3
  530c:	kmovd	%k3, %edx
  5310:	testb	$1, %dl
  5313:	je	153
  5319:	movq	(%rbx), %rdx
  531c:	movl	8(%rdx), %esi
  531f:	movq	(%rdx), %rdx
  5322:	cmpl	$500, %esi
  5328:	jb	18
  532a:	vpinsrd	$1, 496(%rdx), %xmm2, %xmm0
  5334:	vpblendd	$15, %ymm0, %ymm2, %ymm2
  533a:	jmp	10
  533c:	vxorps	%xmm0, %xmm0, %xmm0
  5340:	vpblendd	$2, %ymm0, %ymm2, %ymm2
  5346:	cmpl	$504, %esi
  534c:	jb	18
  534e:	vpinsrd	$1, 500(%rdx), %xmm5, %xmm0
  5358:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  535e:	jmp	10
  5360:	vxorps	%xmm0, %xmm0, %xmm0
  5364:	vblendps	$2, %ymm0, %ymm5, %ymm5
  536a:	cmpl	$508, %esi
  5370:	jb	18
  5372:	vpinsrd	$1, 504(%rdx), %xmm6, %xmm0
  537c:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  5382:	jmp	10
  5384:	vxorps	%xmm0, %xmm0, %xmm0
  5388:	vblendps	$2, %ymm0, %ymm6, %ymm6
  538e:	cmpl	$512, %esi
  5394:	jb	18
  5396:	vpinsrd	$1, 508(%rdx), %xmm1, %xmm0
  53a0:	vpblendd	$15, %ymm0, %ymm1, %ymm1
  53a6:	jmp	10
  53a8:	vxorps	%xmm0, %xmm0, %xmm0
  53ac:	vpblendd	$2, %ymm0, %ymm1, %ymm1
  53b2:	kshiftrb	$2, %k0, %k3
  53b8:	kmovd	%k3, %edx
  53bc:	testb	$1, %dl
  53bf:	je	153
  53c5:	movq	(%rbx), %rdx
  53c8:	movl	8(%rdx), %esi
  53cb:	movq	(%rdx), %rdx
  53ce:	cmpl	$756, %esi
  53d4:	jb	18
  53d6:	vpinsrd	$2, 752(%rdx), %xmm2, %xmm0
  53e0:	vpblendd	$15, %ymm0, %ymm2, %ymm2
  53e6:	jmp	10
  53e8:	vpxor	%xmm0, %xmm0, %xmm0
  53ec:	vpblendd	$4, %ymm0, %ymm2, %ymm2
  53f2:	cmpl	$760, %esi
  53f8:	jb	18
  53fa:	vpinsrd	$2, 756(%rdx), %xmm5, %xmm0
  5404:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  540a:	jmp	10
  540c:	vpxor	%xmm0, %xmm0, %xmm0
  5410:	vblendps	$4, %ymm0, %ymm5, %ymm5
  5416:	cmpl	$764, %esi
  541c:	jb	18
  541e:	vpinsrd	$2, 760(%rdx), %xmm6, %xmm0
  5428:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  542e:	jmp	10
  5430:	vxorps	%xmm0, %xmm0, %xmm0
  5434:	vblendps	$4, %ymm0, %ymm6, %ymm6
  543a:	cmpl	$768, %esi
  5440:	jb	18
  5442:	vpinsrd	$2, 764(%rdx), %xmm1, %xmm0
  544c:	vpblendd	$15, %ymm0, %ymm1, %ymm1
  5452:	jmp	10
  5454:	vxorps	%xmm0, %xmm0, %xmm0
  5458:	vpblendd	$4, %ymm0, %ymm1, %ymm1
  545e:	kshiftrb	$3, %k0, %k3
  5464:	kmovd	%k3, %edx
  5468:	testb	$1, %dl
  546b:	je	153
  5471:	movq	(%rbx), %rdx
  5474:	movl	8(%rdx), %esi
  5477:	movq	(%rdx), %rdx
  547a:	cmpl	$1012, %esi
  5480:	jb	18
  5482:	vpinsrd	$3, 1008(%rdx), %xmm2, %xmm0
  548c:	vpblendd	$15, %ymm0, %ymm2, %ymm2
  5492:	jmp	10
  5494:	vpxor	%xmm0, %xmm0, %xmm0
  5498:	vpblendd	$8, %ymm0, %ymm2, %ymm2
  549e:	cmpl	$1016, %esi
  54a4:	jb	18
  54a6:	vpinsrd	$3, 1012(%rdx), %xmm5, %xmm0
  54b0:	vpblendd	$15, %ymm0, %ymm5, %ymm5
  54b6:	jmp	10
  54b8:	vpxor	%xmm0, %xmm0, %xmm0
  54bc:	vblendps	$8, %ymm0, %ymm5, %ymm5
  54c2:	cmpl	$1020, %esi
  54c8:	jb	18
  54ca:	vpinsrd	$3, 1016(%rdx), %xmm6, %xmm0
  54d4:	vpblendd	$15, %ymm0, %ymm6, %ymm6
  54da:	jmp	10
  54dc:	vxorps	%xmm0, %xmm0, %xmm0
  54e0:	vblendps	$8, %ymm0, %ymm6, %ymm6
  54e6:	cmpl	$1024, %esi
  54ec:	jb	18
  54ee:	vpinsrd	$3, 1020(%rdx), %xmm1, %xmm0
  54f8:	vpblendd	$15, %ymm0, %ymm1, %ymm1
  54fe:	jmp	10
  5500:	vxorps	%xmm0, %xmm0, %xmm0
  5504:	vpblendd	$8, %ymm0, %ymm1, %ymm1
  550a:	kshiftrb	$4, %k0, %k3
  5510:	kmovd	%k3, %edx
  5514:	testb	$1, %dl
  5517:	je	125
  5519:	movq	(%rbx), %rdx
  551c:	movl	8(%rdx), %esi
  551f:	movq	(%rdx), %rdx
  5522:	cmpl	$1268, %esi
  5528:	jb	11
  552a:	vpbroadcastd	1264(%rdx), %ymm0
  5533:	jmp	4
  5535:	vpxor	%xmm0, %xmm0, %xmm0
  5539:	vpblendd	$16, %ymm0, %ymm2, %ymm2
  553f:	cmpl	$1272, %esi
  5545:	jb	11
  5547:	vpbroadcastd	1268(%rdx), %ymm0
  5550:	jmp	4
  5552:	vpxor	%xmm0, %xmm0, %xmm0
  5556:	vblendps	$16, %ymm0, %ymm5, %ymm5
  555c:	cmpl	$1276, %esi
  5562:	jb	11
  5564:	vbroadcastss	1272(%rdx), %ymm0
  556d:	jmp	4
  556f:	vxorps	%xmm0, %xmm0, %xmm0
  5573:	vblendps	$16, %ymm0, %ymm6, %ymm6
  5579:	cmpl	$1280, %esi
  557f:	jb	11
  5581:	vbroadcastss	1276(%rdx), %ymm0
  558a:	jmp	4
  558c:	vxorps	%xmm0, %xmm0, %xmm0
  5590:	vpblendd	$16, %ymm0, %ymm1, %ymm1
  5596:	kshiftrb	$5, %k0, %k3
  559c:	kmovd	%k3, %edx
  55a0:	testb	$1, %dl
  55a3:	je	125
  55a5:	movq	(%rbx), %rdx
  55a8:	movl	8(%rdx), %esi
  55ab:	movq	(%rdx), %rdx
  55ae:	cmpl	$1524, %esi
  55b4:	jb	11
  55b6:	vpbroadcastd	1520(%rdx), %ymm0
  55bf:	jmp	4
  55c1:	vpxor	%xmm0, %xmm0, %xmm0
  55c5:	vpblendd	$32, %ymm0, %ymm2, %ymm2
  55cb:	cmpl	$1528, %esi
  55d1:	jb	11
  55d3:	vpbroadcastd	1524(%rdx), %ymm0
  55dc:	jmp	4
  55de:	vpxor	%xmm0, %xmm0, %xmm0
  55e2:	vblendps	$32, %ymm0, %ymm5, %ymm5
  55e8:	cmpl	$1532, %esi
  55ee:	jb	11
  55f0:	vbroadcastss	1528(%rdx), %ymm0
  55f9:	jmp	4
  55fb:	vxorps	%xmm0, %xmm0, %xmm0
  55ff:	vblendps	$32, %ymm0, %ymm6, %ymm6
  5605:	cmpl	$1536, %esi
  560b:	jb	11
  560d:	vbroadcastss	1532(%rdx), %ymm0
  5616:	jmp	4
  5618:	vxorps	%xmm0, %xmm0, %xmm0
  561c:	vpblendd	$32, %ymm0, %ymm1, %ymm1
  5622:	kshiftrb	$6, %k0, %k3
  5628:	kmovd	%k3, %edx
  562c:	testb	$1, %dl
  562f:	je	125
  5631:	movq	(%rbx), %rdx
  5634:	movl	8(%rdx), %esi
  5637:	movq	(%rdx), %rdx
  563a:	cmpl	$1780, %esi
  5640:	jb	11
  5642:	vpbroadcastd	1776(%rdx), %ymm0
  564b:	jmp	4
  564d:	vpxor	%xmm0, %xmm0, %xmm0
  5651:	vpblendd	$64, %ymm0, %ymm2, %ymm2
  5657:	cmpl	$1784, %esi
  565d:	jb	11
  565f:	vpbroadcastd	1780(%rdx), %ymm0
  5668:	jmp	4
  566a:	vpxor	%xmm0, %xmm0, %xmm0
  566e:	vblendps	$64, %ymm0, %ymm5, %ymm5
  5674:	cmpl	$1788, %esi
  567a:	jb	11
  567c:	vbroadcastss	1784(%rdx), %ymm0
  5685:	jmp	4
  5687:	vxorps	%xmm0, %xmm0, %xmm0
  568b:	vblendps	$64, %ymm0, %ymm6, %ymm6
  5691:	cmpl	$1792, %esi
  5697:	jb	11
  5699:	vbroadcastss	1788(%rdx), %ymm0
  56a2:	jmp	4
  56a4:	vxorps	%xmm0, %xmm0, %xmm0
  56a8:	vpblendd	$64, %ymm0, %ymm1, %ymm1
  56ae:	kshiftrb	$7, %k0, %k0
  56b4:	kmovd	%k0, %edx
  56b8:	testb	$1, %dl
  56bb:	je	125
  56bd:	movq	(%rbx), %rdx
  56c0:	movl	8(%rdx), %esi
  56c3:	movq	(%rdx), %rdx
  56c6:	cmpl	$2036, %esi
  56cc:	jb	11
  56ce:	vpbroadcastd	2032(%rdx), %ymm0
  56d7:	jmp	4
  56d9:	vpxor	%xmm0, %xmm0, %xmm0
  56dd:	vpblendd	$128, %ymm0, %ymm2, %ymm2
  56e3:	cmpl	$2040, %esi
  56e9:	jb	11
  56eb:	vpbroadcastd	2036(%rdx), %ymm0
  56f4:	jmp	4
  56f6:	vpxor	%xmm0, %xmm0, %xmm0
  56fa:	vblendps	$128, %ymm0, %ymm5, %ymm5
  5700:	cmpl	$2044, %esi
  5706:	jb	11
  5708:	vbroadcastss	2040(%rdx), %ymm0
  5711:	jmp	4
  5713:	vxorps	%xmm0, %xmm0, %xmm0
  5717:	vblendps	$128, %ymm0, %ymm6, %ymm6
  571d:	cmpl	$2048, %esi
  5723:	jb	11
  5725:	vbroadcastss	2044(%rdx), %ymm0
  572e:	jmp	4
  5730:	vxorps	%xmm0, %xmm0, %xmm0
  5734:	vpblendd	$128, %ymm0, %ymm1, %ymm1
  573a:	vpshufd	$255, %xmm2, %xmm0
  573f:	vpxor	%xmm2, %xmm2, %xmm2
  5743:	vpermilps	$255, %xmm5, %xmm5
  5749:	vpshufd	$255, %xmm1, %xmm1
  574e:	vpbroadcastq	%xmm0, %ymm0
  5753:	vbroadcastsd	%xmm5, %ymm5
  5758:	vpbroadcastq	%xmm1, %ymm1
  575d:	vmovaps	%ymm2, %ymm0 {%k1}
  5763:	vmulps	%ymm0, %ymm4, %ymm0
  5767:	vmovaps	%ymm2, %ymm5 {%k1}
  576d:	vmovaps	%ymm2, %ymm1 {%k1}
  5773:	vaddps	%ymm3, %ymm0, %ymm0
  5777:	vmulps	%ymm0, %ymm5, %ymm0
  577b:	vpermilps	$255, %xmm6, %xmm5
  5781:	vbroadcastsd	%xmm5, %ymm5
  5786:	vaddps	%ymm3, %ymm0, %ymm0
  578a:	vmovaps	%ymm2, %ymm5 {%k1}
  5790:	vmulps	%ymm0, %ymm5, %ymm0
  5794:	vaddps	%ymm3, %ymm0, %ymm0
  5798:	vmulps	%ymm0, %ymm1, %ymm0
  579c:	vaddps	%ymm3, %ymm0, %ymm4 {%k2}
  57a2:	vmovaps	%ymm4, %ymm5
  57a6:	movabsq	$139735223148644, %rdx
  57b0:	vpandd	(%rdx){1to8}, %ymm11, %ymm0
  57b6:	testb	$1, %cl
  57b9:	je	34
  57bb:	movq	(%rbx), %rcx
  57be:	vmovd	%xmm0, %edx
  57c2:	movl	264(%rcx), %esi
  57c8:	sarl	$2, %esi
  57cb:	cmpl	%esi, %edx
  57cd:	jae	14
  57cf:	movq	256(%rcx), %rcx
  57d6:	movl	%edx, %edx
  57d8:	vmovss	%xmm5, (%rcx,%rdx,4)
  57dd:	testb	$1, %al
  57df:	je	38
  57e1:	movq	(%rbx), %rax
  57e4:	vpextrd	$1, %xmm0, %ecx
  57ea:	movl	264(%rax), %edx
  57f0:	sarl	$2, %edx
  57f3:	cmpl	%edx, %ecx
  57f5:	jae	16
  57f7:	movq	256(%rax), %rax
  57fe:	movl	%ecx, %ecx
  5800:	vextractps	$1, %xmm5, (%rax,%rcx,4)
  5807:	testb	$1, %r15b
  580b:	je	38
  580d:	movq	(%rbx), %rax
  5810:	vpextrd	$2, %xmm0, %ecx
  5816:	movl	264(%rax), %edx
  581c:	sarl	$2, %edx
  581f:	cmpl	%edx, %ecx
  5821:	jae	16
  5823:	movq	256(%rax), %rax
  582a:	movl	%ecx, %ecx
  582c:	vextractps	$2, %xmm5, (%rax,%rcx,4)
  5833:	testb	$1, %r14b
  5837:	je	38
  5839:	movq	(%rbx), %rax
  583c:	vpextrd	$3, %xmm0, %ecx
  5842:	movl	264(%rax), %edx
  5848:	sarl	$2, %edx
  584b:	cmpl	%edx, %ecx
  584d:	jae	16
  584f:	movq	256(%rax), %rax
  5856:	movl	%ecx, %ecx
  5858:	vextractps	$3, %xmm5, (%rax,%rcx,4)
  585f:	testb	$1, %r11b
  5863:	je	46
  5865:	movq	(%rbx), %rax
  5868:	vextracti128	$1, %ymm0, %xmm1
  586e:	vmovd	%xmm1, %ecx
  5872:	movl	264(%rax), %edx
  5878:	sarl	$2, %edx
  587b:	cmpl	%edx, %ecx
  587d:	jae	20
  587f:	movq	256(%rax), %rax
  5886:	vextractf128	$1, %ymm5, %xmm1
  588c:	movl	%ecx, %ecx
  588e:	vmovss	%xmm1, (%rax,%rcx,4)
  5893:	testb	$1, %r9b
  5897:	je	50
  5899:	movq	(%rbx), %rax
  589c:	vextracti128	$1, %ymm0, %xmm1
  58a2:	vpextrd	$1, %xmm1, %ecx
  58a8:	movl	264(%rax), %edx
  58ae:	sarl	$2, %edx
  58b1:	cmpl	%edx, %ecx
  58b3:	jae	22
  58b5:	movq	256(%rax), %rax
  58bc:	vextractf128	$1, %ymm5, %xmm1
  58c2:	movl	%ecx, %ecx
  58c4:	vextractps	$1, %xmm1, (%rax,%rcx,4)
  58cb:	testb	$1, %r8b
  58cf:	je	50
  58d1:	movq	(%rbx), %rax
  58d4:	vextracti128	$1, %ymm0, %xmm1
  58da:	vpextrd	$2, %xmm1, %ecx
  58e0:	movl	264(%rax), %edx
  58e6:	sarl	$2, %edx
  58e9:	cmpl	%edx, %ecx
  58eb:	jae	22
  58ed:	movq	256(%rax), %rax
  58f4:	vextractf128	$1, %ymm5, %xmm1
  58fa:	movl	%ecx, %ecx
  58fc:	vextractps	$2, %xmm1, (%rax,%rcx,4)
  5903:	addq	%rbp, %rdi
  5906:	testb	$1, %r10b
  590a:	je	50
  590c:	movq	(%rbx), %rax
  590f:	vextracti128	$1, %ymm0, %xmm0
  5915:	vpextrd	$3, %xmm0, %ecx
  591b:	movl	264(%rax), %edx
  5921:	sarl	$2, %edx
  5924:	cmpl	%edx, %ecx
  5926:	jae	22
  5928:	movq	256(%rax), %rax
  592f:	vextractf128	$1, %ymm5, %xmm0
  5935:	movl	%ecx, %ecx
  5937:	vextractps	$3, %xmm0, (%rax,%rcx,4)
  593e:	movq	$0, (%rdi)
  5945:	movq	%rdi, %rax
  5948:	addq	$56, %rsp
  594c:	popq	%rbx
  594d:	popq	%r12
  594f:	popq	%r13
  5951:	popq	%r14
  5953:	popq	%r15
  5955:	popq	%rbp
  5956:	vzeroupper
  5959:	retq



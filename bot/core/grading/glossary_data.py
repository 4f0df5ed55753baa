"""A bilingual glossary of the interview domain's everyday terms, one concept per line.

`中文 写法 | english, forms` — Chinese spellings separated by spaces, English ones by commas
(multi-word forms allowed; inflections are handled by the stemmer, so list base forms).
It lets an English answer meet a Chinese-only alias: `线性增长` is made of 线性 + 增长, and
"grows linearly" says both. Terms are general vocabulary of LLM engineering, not of any one
question; extend it when the bank grows new vocabulary.
"""

GLOSSARY = """
不 没 没有 无 非 未 无需 不需要 不用 | not, no, never, without, don't, doesn't, isn't, aren't, cannot, can't, won't, unnecessary, no need
模型 | model
大模型 | llm, large language model, large model, big model
小模型 | small model, smaller model, draft model
参数 | parameter, param, weight count
权重 | weight
模型权重 模型参数 | model weight, model parameter
参数量 | parameter count, number of parameter, model size
显存 | gpu memory, vram, device memory, hbm
内存 | memory, ram, host memory, cpu memory
占用 | occupy, occupied, usage, take up, consume, footprint
常驻 | resident, stay, stays in memory, keep in memory, remain
加载 | load
释放 | release, free, freed, deallocate
归还 还给 | return, give back, hand back
立即 马上 立刻 | immediately, right away, at once
延迟 | latency, delay, lazy
缓存 | cache, caching, cached
分配器 | allocator
分配 | allocate, allocation
预分配 预先分配 提前分配 预留 预占 | preallocate, pre-allocate, preallocation, pre-allocation, reserve, reserved, upfront
池 | pool
碎片 | fragment, fragmentation
复用 重用 | reuse, reused, recycle
线性 | linear, linearly
平方 二次 | quadratic, quadratically, square
成正比 正比 | proportional, proportionally, scale with, scales with
增长 增加 变大 上升 | grow, growth, increase, rise, larger, bigger
减少 降低 减小 节省 省 | reduce, reduction, decrease, lower, save, saving, cut
越来越 | more and more, keep growing, ever
序列长度 上下文长度 长度 | sequence length, context length, length, seq len
序列 | sequence
上下文 | context
长上下文 长文本 | long context, long text, long sequence
批 批次 | batch
批大小 | batch size
激活 激活值 | activation
中间结果 中间变量 中间计算 | intermediate result, intermediate value, intermediate tensor, intermediate
临时 | temporary, temp, scratch, transient
缓冲 缓冲区 | buffer
梯度 | gradient, grad
优化器 | optimizer
优化器状态 | optimizer state
状态 | state
动量 | momentum
一阶矩 | first moment
二阶矩 | second moment
主权重 | master weight
副本 拷贝 备份 | copy, replica
精度 | precision, accuracy
混合精度 | mixed precision
半精度 | half precision
单精度 | single precision, full precision
溢出 上溢 | overflow
下溢 | underflow
损失缩放 | loss scaling, loss scale
缩放 | scale, scaling
指数位 指数 | exponent, exponent bit
尾数 尾数位 | mantissa, fraction bit
范围 数值范围 表示范围 动态范围 | range, dynamic range, numeric range
量化 | quantize, quantization, quantise, quantisation
反量化 | dequantize, dequantization
校准 | calibrate, calibration
离群值 | outlier
误差 | error
舍入 取整 | round, rounding
训练 | train, training
训练后 | post-training, after training
重新训练 | retrain, retraining, train again
微调 | fine-tune, finetune, fine tuning, finetuning
全参数微调 全参微调 | full fine-tuning, full finetuning, full-parameter fine-tuning
预训练 | pretrain, pre-train, pretraining, pre-training
增量预训练 继续预训练 | continued pretraining, continual pretraining, continued pre-training
推理 | inference, serving
前向 | forward, forward pass
反向 反向传播 | backward, backward pass, backpropagation, backprop
计算 | compute, computation, calculate, calculation
重复计算 重计算 | recompute, recomputation, redundant computation
重复 | repeat, repetition, repeated, duplicate, repetitive
生成 | generate, generation, produce
解码 | decode, decoding
编码 | encode, encoding
编码器 | encoder
解码器 | decoder
自回归 | autoregressive, auto-regressive, autoregressively
逐个 逐 一个一个 | one by one, one at a time, each step, every step, step by step
每步 每一步 | each step, every step, per step
新 | new
token 词元 | token
新token | new token
第一个token 首个token 首token | first token
历史 之前 之前的 | previous, past, earlier, history, prior
注意力 | attention
自注意力 | self-attention, self attention
交叉注意力 | cross-attention, cross attention
注意力矩阵 | attention matrix, attention score
掩码 | mask, masking
因果 | causal
单向 | unidirectional, one direction, left-to-right
双向 | bidirectional
前缀 | prefix
层 层数 | layer
头 | head
键 | key
值 | value
键值 | key value, key-value
查询 | query
矩阵 | matrix
矩阵乘 | matrix multiplication, matmul, gemm
向量 | vector
嵌入 | embedding, embed
词表 | vocabulary, vocab
分词 | tokenize, tokenization, tokenizer
子词 | subword, sub-word
字符 | character, char
字节 | byte
位置编码 | positional encoding, position encoding, position embedding
外推 | extrapolate, extrapolation
插值 | interpolate, interpolation
分块 切分 分割 切块 块 | chunk, chunking, split, block, tile, tiling
分页 | page, paging, paged
物理 | physical
逻辑 | logical
连续 | contiguous, continuous
不连续 非连续 | non-contiguous, noncontiguous
固定大小 | fixed size, fixed-size
按需 | on demand, on-demand
浪费 | waste, wasted
共享 | share, shared
写时复制 | copy-on-write, copy on write
吞吐 吞吐量 | throughput
并发 | concurrency, concurrent
带宽 | bandwidth
访存 | memory access, memory traffic, memory bound, memory-bound
读写 | read and write, read/write, io
片上 | on-chip, on chip
共享内存 | shared memory, sram
速度 | speed
加速 | speed up, speedup, accelerate, acceleration, faster
快 | fast, quick
慢 | slow
瓶颈 | bottleneck
计算密集 | compute-bound, compute bound, compute intensive
并行 | parallel, parallelize, parallelism, in parallel
张量并行 | tensor parallel, tensor parallelism
流水线并行 | pipeline parallel, pipeline parallelism
数据并行 | data parallel, data parallelism
分布式 | distributed
多卡 | multi-gpu, multiple gpu
卸载 | offload, offloading
检查点 | checkpoint, checkpointing
梯度检查点 | gradient checkpointing, activation checkpointing
梯度累积 | gradient accumulation
近似 | approximate, approximation
精确 | exact
无损 | lossless, no loss
损失 | loss
概率 | probability, likelihood
分布 | distribution
采样 | sample, sampling
随机 随机性 | random, randomness, stochastic
确定 确定性 | deterministic, determinism, certain
多样 多样性 | diverse, diversity, variety
温度 | temperature
贪心 | greedy
束搜索 集束 | beam search, beam
核采样 | nucleus sampling, nucleus, top-p
累计概率 累积概率 | cumulative probability
惩罚 | penalty, penalize
最高 最大 | highest, maximum, max, largest, most likely
最大似然 | maximum likelihood, mle
候选 | candidate
验证 | verify, verification, validate
接受 | accept, acceptance
拒绝 | reject, rejection
目标模型 | target model
草稿 | draft
停止 | stop
长度限制 最大长度 | max length, maximum length, max tokens, max_new_tokens
数据 | data
数据集 | dataset
语料 | corpus
质量 | quality
噪声 | noise, noisy
去重 | dedup, deduplicate, deduplication
过时 | outdated, stale, out of date
长尾 | long tail, long-tail
知识 | knowledge
知识截止 | knowledge cutoff, knowledge cut-off, training cutoff
知识边界 | knowledge boundary
领域 | domain
领域知识 | domain knowledge
私有 | private, proprietary
外部 | external
外部知识 | external knowledge
知识库 | knowledge base
知识图谱 | knowledge graph
检索 | retrieve, retrieval, search
检索增强 | retrieval augmented, retrieval-augmented, rag
召回 | recall
重排 精排 | rerank, reranking, re-rank
文档 | document, doc
段落 | paragraph
句子 | sentence
标题 | heading, title
重叠 | overlap
语义 | semantic, semantics
相似度 | similarity
向量库 向量数据库 | vector database, vector store, vector db
索引 | index
引用 | cite, citation, reference
来源 出处 | source
溯源 可追溯 | traceable, traceability, trace back
可解释 | explainable, interpretable
事实 | fact, factual, factuality
事实性 | factuality, factual accuracy
忠实 忠实性 | faithful, faithfulness
幻觉 | hallucination, hallucinate
编造 虚构 | make up, make thing up, make stuff up, fabricate, fabrication, invent
不真实 不符合事实 与事实不符 | not true, untrue, false, not factual, factually wrong, factually incorrect
错误 | wrong, error, incorrect, mistake
矛盾 | contradict, contradiction, inconsistent
一致 一致性 | consistent, consistency
不确定性 | uncertainty
置信度 | confidence
诚实 | honest, honesty
拒答 拒绝回答 | refuse, refusal, decline to answer
不知道 | don't know, do not know, i don't know
对齐 | align, alignment
奖励 | reward
奖励模型 | reward model
偏好 | preference
人工 人类 | human, manual
审核 | review, moderation, audit
检测 | detect, detection
核查 | check, fact-check, fact check
后处理 | post-process, post-processing
提示 | prompt
提示词 | prompt
模板 | template
思维链 | chain of thought, chain-of-thought, cot
少样本 | few-shot, few shot
零样本 | zero-shot, zero shot
上下文学习 | in-context learning, in context learning
指令 | instruction
指令遵循 | instruction following
工具 | tool
工具调用 函数调用 | tool call, tool calling, function call, function calling
调用 | call, invoke
智能体 | agent
规划 | plan, planning
思考 | thought, think, reasoning
行动 | action, act
观察 | observation, observe
循环 | loop, cycle, iterate
迭代 | iteration, iterative
动态 | dynamic, dynamically
决定 决策 | decide, decision
固定 | fixed, hard-coded, hardcoded, predefined
记忆 | memory
对话 | conversation, dialogue, chat
多轮 | multi-turn, multi turn
链 | chain
组件 | component
接口 | interface, api
框架 | framework
部署 | deploy, deployment
成本 | cost
低成本 便宜 | cheap, low cost, inexpensive
评测 评估 | evaluate, evaluation, benchmark, assess
基准 | benchmark
指标 | metric
准确率 | accuracy
延迟时间 响应时间 | response time, latency
首字延迟 首token延迟 | time to first token, ttft
阶段 | stage, phase
预填充 | prefill, pre-fill
输入 | input
输出 | output
并行处理 | process in parallel, parallel processing
一次 | once, single, one pass
前缀缓存 | prefix cache, prefix caching
滑动窗口 | sliding window
稀疏 | sparse, sparsity
剪枝 | prune, pruning
蒸馏 | distill, distillation
低秩 | low-rank, low rank
冻结 | freeze, frozen
适配器 | adapter
灾难性遗忘 遗忘 | catastrophic forgetting, forget, forgetting
规模 | scale, size
阈值 | threshold
突然 突变 | sudden, suddenly, abrupt, jump
能力 | ability, capability
涌现 | emergent, emergence
组合 | combine, combination, compose
子能力 | sub-skill, subskill, sub-ability
不连续 | discontinuous, non-continuous
硬件 | hardware
支持 | support
整数 | integer
浮点 | float, floating point
符号位 | sign bit
权限 | permission, access control
安全 | safe, safety, security
隐私 | privacy
合规 | compliance, compliant
过滤 | filter, filtering
敏感 | sensitive
更新 | update
实时 | real-time, real time, realtime
时效性 | freshness, up to date, up-to-date
复制 照抄 | copy
归纳头 | induction head
自我强化 正反馈 | self-reinforcing, self reinforcing, self-reinforcement, positive feedback
训练数据 | training data
多样性不足 | lack of diversity, low diversity
曝光偏差 | exposure bias
""".strip()

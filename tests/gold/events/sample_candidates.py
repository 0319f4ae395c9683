"""How the real gold candidates were drawn from the ANT corpus (kept for the record).

Run from the repo root: ``python tests/gold/events/sample_candidates.py`` writes
/tmp/candidates.json; the split is fixed by a hash of the item id (1 in 3 to test).
"""
import glob, random, re, json, hashlib
from worker.nlp.tokenize import sentences
random.seed(20190302)
POS = re.compile("قصف|غار[ةات]|اشتباك|هجوم|هاجم|تفجير|انفجار|مقتل|قتلى|قتل|إصابة|أصيب|جرحى|اعتقال|اعتقل|اختطاف|خطف|نزوح|إجلاء|الإفراج|أفرج|تعزيزات|صاروخ|استشهاد|استهدف|مسلح")
files = []
for src in ["SkyNews","BBC","France24","CNN"]:
    files += sorted(glob.glob(f"../shared/data/news/antcorpus/{src}/middleEast/*.txt"))[:400]
    files += sorted(glob.glob(f"../shared/data/news/antcorpus/{src}/internationalNews/*.txt"))[:150]
random.shuffle(files)
pos, neg = [], []
seen=set()
for f in files:
    raw = open(f, encoding="utf-8").read()
    docno = re.search(r"<DOCNO>(.*?)</DOCNO>", raw).group(1)
    text = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S).group(1).strip()
    date = docno.rsplit("-",1)[1]
    pub = f"{date[:4]}-{date[4:6]}-{date[6:]}"
    sents = sentences(text)
    for i, s in enumerate(sents[:6]):
        if len(s) < 10 or len(s) > 70: continue
        st = text[s[0].start:s[-1].end]
        key = st[:40]
        if key in seen: continue
        item = {"id": f"{docno}#{i}", "published": pub, "text": st}
        if POS.search(st):
            if len(pos) < 125 and random.random() < 0.5:
                pos.append(item); seen.add(key); break
        elif len(neg) < 40 and random.random() < 0.08:
            neg.append(item); seen.add(key); break
    if len(pos) >= 125 and len(neg) >= 40: break
items = pos + neg
random.shuffle(items)
for it in items:
    h = int(hashlib.sha1(it["id"].encode()).hexdigest(), 16)
    it["split"] = "test" if h % 3 == 0 else "dev"
print(len(pos), len(neg))
json.dump(items, open("/tmp/candidates.json","w"), ensure_ascii=False, indent=0)

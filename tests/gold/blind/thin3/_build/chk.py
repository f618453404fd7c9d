import sys,json,glob,re,urllib.parse
def norm(u):
    u = urllib.parse.unquote(u or "").lower()
    return re.sub(r"^https?://(www\.)?", "", u).rstrip("/")
paths=["/work/shared/eval/train/articles.jsonl","/work/shared/eval/dev/articles.jsonl"]+glob.glob("/work/wt/coder7/tests/gold/*/articles.jsonl")+glob.glob("/work/wt/coder7/tests/gold/blind/*/articles.jsonl")
arts=[]
for p in paths:
    for l in open(p,encoding="utf-8"):
        a=json.loads(l); a["_p"]=p; arts.append(a)
for q in sys.argv[1:]:
    if q.startswith("http"):
        n=norm(q); print(q[:80], "USED" if any(norm(a.get("original_url",""))==n for a in arts) else "free")
    else:
        for a in arts:
            if q in a["title"] or q in a["text"]:
                print(q,"|",a["_p"].split("/")[-2],a["id"],a["published"],a["title"][:90])

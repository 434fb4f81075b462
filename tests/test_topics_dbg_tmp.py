import sys; sys.path.insert(0, "/work/main/tests")
from test_topics import *
def test_dbg(fitted, embedder):
    m, _ = fitted
    E = embedder.encode(list(NEW_TEXTS.values()))
    print(m.topic_ids_, (E @ m.topic_embeddings_.T).round(3), m.transform(list(NEW_TEXTS.values()), E))
    print(pd.crosstab(pd.Series(TRUTH, name="truth"), pd.Series(m.topics_, name="topic")).to_string())
    assert 0

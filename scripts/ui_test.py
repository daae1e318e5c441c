#!/usr/bin/env python3
"""Drives Loupe's web UI in headless Chromium (selenium + Debian's chromium-driver) against a live
`loupe serve`, checks what it shows against the API, takes screenshots and measures.

    ui_test.py BASE_URL DATA_DIR SCREENSHOT_DIR

DATA_DIR is what scripts/ui_test_data.py wrote. Run by scripts/test-ui.sh, which starts the server.
Prints one line per check and closes with 'N passed, N failed'; exits non-zero on any failure.
"""
import json, math, os, sys, time, traceback, urllib.error, urllib.request

from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait
from selenium.common.exceptions import JavascriptException, NoSuchElementException, StaleElementReferenceException

BASE, DATA, SHOTS = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
results = []
figures = {}


# MARK: the API, for setting up and for checking what the UI shows

API_KEY = None  # set once the last check has made the server require keys


def call(method, path, body=None, content_type="application/json", raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(BASE + path, data=data, method=method)
    if API_KEY:
        request.add_header("Authorization", f"Bearer {API_KEY}")
    if data is not None:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            text = response.read()
            kind = response.headers.get("Content-Type", "")
            return json.loads(text) if "json" in kind and text else text
    except urllib.error.HTTPError as error:
        raise RuntimeError(f"{method} {path} -> {error.code}: {error.read().decode(errors='replace')[:500]}") from None


def import_dataset(name, row_files, vectors_file, dims, metric, metrics_file=None):
    dataset = call("POST", "/v1/datasets", {"name": name})
    for path in row_files:
        call("POST", f"/v1/datasets/{dataset['id']}/rows", raw=open(path, "rb").read())
    space = call("POST", f"/v1/datasets/{dataset['id']}/spaces", {"name": "pixels" if dims > 2 else "plane", "dimensions": dims, "metric": metric})
    report = call("POST", f"/v1/datasets/{dataset['id']}/spaces/{space['id']}/vectors", raw=open(vectors_file, "rb").read(), content_type="application/x-ndjson")
    if metrics_file:
        call("POST", f"/v1/datasets/{dataset['id']}/metrics", raw=open(metrics_file, "rb").read())
    return dataset, space, report


def space_path(dataset, space):
    return f"/v1/datasets/{dataset['id']}/spaces/{space['id']}"


# MARK: checks

ONLY = [word for word in os.environ.get("UI_TEST_ONLY", "").split(",") if word]  # run only checks naming one


def check(name):
    def wrap(function):
        if ONLY and not any(word in name for word in ONLY):
            return function
        started = time.time()
        try:
            detail = function()
            results.append((name, True))
            print(f"PASS {name} ({time.time() - started:.1f} s){': ' + detail if detail else ''}", flush=True)
        except Exception as error:
            results.append((name, False))
            print(f"FAIL {name}: {error}", flush=True)
            traceback.print_exc(limit=3)
            try:
                driver.save_screenshot(os.path.join(SHOTS, f"failed-{name.replace(' ', '-')}.png"))
            except Exception:
                pass
        return function
    return wrap


def expect(condition, message):
    if not condition:
        raise AssertionError(message)


def wait(condition, timeout=30, what="condition"):
    # An element or script can vanish under the condition while the page reloads (signing in
    # reloads it); that is a reason to look again, not a failure.
    transient = (StaleElementReferenceException, NoSuchElementException, JavascriptException)
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.05, ignored_exceptions=transient).until(lambda d: condition())
    except Exception:
        raise AssertionError(f"timed out after {timeout} s waiting for {what}") from None


def js(script, *args):
    return driver.execute_script(script, *args)


def shot(name):
    driver.save_screenshot(os.path.join(SHOTS, f"{name}.png"))


def open_screen(screen, dataset=None):
    query = f"?dataset={dataset}" if dataset else ""
    driver.get("about:blank")  # a new page load even when only the hash would change
    driver.get(f"{BASE}/{query}#/{screen}")
    wait(lambda: js("return document.body.dataset.ready === 'true'"), what="the UI to start")


def open_gallery():
    """The Fashion-MNIST gallery, once its first cards are in."""
    open_screen("gallery", "fashion-mnist-ui")
    wait(lambda: js("return document.querySelectorAll('#gallery-grid .card').length > 0"), what="cards")


def inside(x, y, polygon):
    """Even-odd rule with the outline included, as the R-tree's Polygon2D decides."""
    n = len(polygon)
    crossing = False
    for i in range(n):
        (x1, y1), (x2, y2) = polygon[i], polygon[(i + 1) % n]
        cross = (x2 - x1) * (y - y1) - (y2 - y1) * (x - x1)
        if abs(cross) < 1e-9 and min(x1, x2) <= x <= max(x1, x2) and min(y1, y2) <= y <= max(y1, y2):
            return True
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            crossing = not crossing
    return crossing


# MARK: setup

started = time.time()
fashion, pixels, fashion_report = import_dataset(
    "fashion-mnist-ui", [os.path.join(DATA, "fashion-rows.json")], os.path.join(DATA, "fashion-vectors.ndjson"), 784, "cosine",
    os.path.join(DATA, "fashion-metrics.json"))
point_files = sorted(os.path.join(DATA, f) for f in os.listdir(DATA) if f.startswith("points-rows-"))
# UI_TEST_POINT_FILES=N imports only the first N files of 5,000 points (for quick runs while editing).
point_files = point_files[:int(os.environ.get("UI_TEST_POINT_FILES", len(point_files)))]
point_ids = {f"p{i:06d}" for i in range(len(point_files) * 5000)}
points_vectors = os.path.join(DATA, "points-vectors.ndjson")
if len(point_ids) < 100_000:
    points_vectors = os.path.join(DATA, "points-vectors-subset.ndjson")
    with open(os.path.join(DATA, "points-vectors.ndjson")) as source, open(points_vectors, "w") as subset:
        subset.writelines(line for line in source if line[7:14] in point_ids)
points, plane, points_report = import_dataset("points-100k", point_files, points_vectors, 2, "l2")
# Real pictures in a ConSE space, embedded by the server's job while the first checks run.
pictures = call("POST", "/v1/datasets", {"name": "pictures-ui"})
call("POST", f"/v1/datasets/{pictures['id']}/rows", raw=open(os.path.join(DATA, "pictures-rows.json"), "rb").read())
conse = call("POST", f"/v1/datasets/{pictures['id']}/spaces", {"name": "conse", "model": "conse-minilm"})
conse_job = call("POST", f"{space_path(pictures, conse)}/embed")
print(f"setup: imported {fashion_report['stored']} Fashion-MNIST vectors and {points_report['stored']} points "
      f"in {time.time() - started:.1f} s", flush=True)

options = webdriver.ChromeOptions()
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800",
                 "--force-device-scale-factor=1", "--hide-scrollbars", "--disable-gpu"]:
    options.add_argument(argument)
options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
driver.set_window_size(1280, 800)
os.makedirs(SHOTS, exist_ok=True)


@check("gallery loads virtualised with thumbnails")
def gallery():
    open_screen("gallery", "fashion-mnist-ui")
    wait(lambda: js("return performance.getEntriesByName('loupe:gallery-first-paint').length > 0"), what="the first gallery paint")
    mark = js("const m = performance.getEntriesByName('loupe:gallery-first-paint')[0]; return {t: m.startTime, images: m.detail.images}")
    figures["gallery first paint (ms from navigation)"] = round(mark["t"], 1)
    cards = driver.find_elements(By.CSS_SELECTOR, "#gallery-grid .card")
    expect(0 < len(cards) < 300, f"{len(cards)} cards in the DOM for 1000 rows: not virtualised")
    expect(mark["images"] > 0, "no thumbnail was in the first paint")
    loaded = js("return [...document.querySelectorAll('#gallery-grid img.thumb')].filter(i => i.complete && i.naturalWidth > 0).length")
    expect(loaded > 0, "no thumbnail decoded")
    summary = driver.find_element(By.ID, "gallery-summary").text
    expect("1,000 rows" in summary, f"summary says {summary!r}")
    first = cards[0].get_attribute("data-id")
    expect(first == "fm-00000", f"first card is {first}")
    shot("gallery")
    # End jumps to the last row: the pages before it are fetched, the first cards leave the DOM.
    cards[0].send_keys(Keys.END)
    wait(lambda: js("return document.activeElement.dataset.id") == "fm-00999", what="the last card to take focus")
    expect(not driver.find_elements(By.CSS_SELECTOR, '#gallery-grid .card[data-id="fm-00000"]'), "the first card is still in the DOM")
    return f"{len(cards)} cards in the DOM, first paint {mark['t']:.0f} ms with {mark['images']} thumbnails; End reaches row 1,000"


@check("gallery filters by label and keyboard opens a row")
def filters():
    open_gallery()
    form = driver.find_element(By.ID, "gallery-filters")
    form.find_element(By.NAME, "label").send_keys("Sneaker")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    expected = call("GET", "/v1/datasets/fashion-mnist-ui/rows?limit=1&label=Sneaker")["total"]
    wait(lambda: f"{expected:,} rows" in driver.find_element(By.ID, "gallery-summary").text, what=f"{expected} Sneaker rows")
    wait(lambda: all("Sneaker" in c.text for c in driver.find_elements(By.CSS_SELECTOR, "#gallery-grid .card")[:8]), what="Sneaker cards")
    card = driver.find_element(By.CSS_SELECTOR, "#gallery-grid .card")
    card.send_keys(Keys.ARROW_RIGHT)
    active = js("return document.activeElement.dataset.index")
    expect(active == "1", f"ArrowRight moved focus to card {active}")
    js("document.activeElement.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}))")
    wait(lambda: driver.find_element(By.ID, "detail").is_displayed(), what="the detail panel")
    wait(lambda: len(driver.find_elements(By.CSS_SELECTOR, ".neighbours img")) >= 5, what="nearest neighbours")
    shot("detail")
    driver.find_element(By.ID, "detail").send_keys(Keys.ESCAPE)
    wait(lambda: not driver.find_element(By.ID, "detail").is_displayed(), what="the panel to close")
    return f"{expected} Sneaker rows; arrows, Enter and Escape work"


@check("text search shows the server's answer")
def text_search():
    open_screen("search", "fashion-mnist-ui")
    box = driver.find_element(By.ID, "search-text")
    box.send_keys("a dark ankle boot", Keys.ENTER)
    wait(lambda: "Search failed" in driver.find_element(By.ID, "search-status").text
         or "results for" in driver.find_element(By.ID, "search-status").text, what="the search to answer")
    status = driver.find_element(By.ID, "search-status").text
    try:
        answer = call("POST", f"{space_path(fashion, pixels)}/search", {"text": "a dark ankle boot", "k": 60})
        expect("results for" in status and f"{len(answer['hits'])} results" in status, f"UI says {status!r}, API found {len(answer['hits'])}")
        return f"{len(answer['hits'])} results"
    except RuntimeError as error:
        # A custom pixel space has no text encoder: the UI must show the server's reason.
        reason = json.loads(str(error).split(": ", 1)[1])["error"]["message"]
        expect("Search failed" in status and reason[:40] in status, f"UI says {status!r}, server said {reason!r}")
        return f"no text encoder for a custom space; the UI shows the reason: {reason[:80]!r}"


@check("words find pictures (ConSE space)")
def words_find_pictures():
    wait(lambda: call("GET", f"/v1/jobs/{conse_job['id']}")["state"] not in ("pending", "running"), timeout=900,
         what="the ConSE embedding job")
    job = call("GET", f"/v1/jobs/{conse_job['id']}")
    # One of the clipart apples is a 10524×16000 PNG: refused as a likely decompression bomb, it
    # fails only its own row and the job names it.
    expect(job["state"] == "succeeded" and job["done"] == job["total"], f"embedding job: {job}")
    expect(job["failed_items"] == 1 and "row 'fruit-apple_mateya_01'" in job["error"] and "decompression bomb" in job["error"],
           f"embedding job failures: {job}")
    open_screen("search", "pictures-ui")
    driver.find_element(By.ID, "search-text").send_keys("a cat", Keys.ENTER)
    wait(lambda: "results for" in driver.find_element(By.ID, "search-status").text, what="the search to answer")
    wait(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#search-grid .card")) >= 10, what="result cards")
    shown = [c.get_attribute("data-id") for c in driver.find_elements(By.CSS_SELECTOR, "#search-grid .card")][:10]
    answer = call("POST", f"{space_path(pictures, conse)}/search", {"text": "a cat", "k": 10})
    expected = [hit["row_id"] for hit in answer["hits"]]
    expect(shown == expected, f"UI shows {shown}, API answers {expected}")
    # The one photograph of a cat comes first (cartoon cats are harder for an ImageNet classifier:
    # `loupe bench conse` measures that).
    expect(shown[0] == "photo-chelsea", f"the first result is {shown[0]}, not the cat photo: {shown[:5]}")
    shot("search-words")
    return (f"'a cat' over {job['done'] - job['failed_items']} pictures (1 bomb refused by name): top 5 {shown[:5]} "
            "same order as the API")


@check("find similar from a row matches the API")
def find_similar():
    open_gallery()
    anchor = "fm-00000"
    driver.find_element(By.CSS_SELECTOR, f'#gallery-grid .card[data-id="{anchor}"]').click()
    wait(lambda: driver.find_element(By.ID, "detail").is_displayed(), what="the detail panel")
    driver.find_element(By.XPATH, "//aside[@id='detail']//button[text()='Find similar']").click()
    wait(lambda: "results for 1 positive" in driver.find_element(By.ID, "search-status").text, what="similar results")
    wait(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#search-grid .card")) >= 12, what="result cards")
    shown = [c.get_attribute("data-id") for c in driver.find_elements(By.CSS_SELECTOR, "#search-grid .card")]
    answer = call("POST", f"{space_path(fashion, pixels)}/search", {"positive": [anchor], "k": 60})
    expected = [hit["row_id"] for hit in answer["hits"]]
    expect(shown[:12] == expected[:12], f"UI shows {shown[:12]}, API answers {expected[:12]}")
    anchor_label = call("GET", f"/v1/datasets/fashion-mnist-ui/rows/{anchor}")["labels"][0]["class_name"]
    same = sum(1 for hit in answer["hits"][:10] if hit["row"]["labels"][0]["class_name"] == anchor_label)
    # Now with a negative anchor: mark the best hit that is not the anchor as negative (N key).
    driver.find_element(By.CSS_SELECTOR, f'#search-grid .card[data-id="{expected[1]}"]').send_keys("n")
    driver.find_element(By.XPATH, "//div[@id='anchors']//button[text()='Find similar']").click()
    wait(lambda: "1 negative" in driver.find_element(By.ID, "search-status").text, what="the search with a negative anchor")
    answer = call("POST", f"{space_path(fashion, pixels)}/search", {"positive": [anchor], "negative": [expected[1]], "k": 60})
    wait(lambda: [c.get_attribute("data-id") for c in driver.find_elements(By.CSS_SELECTOR, "#search-grid .card")][:10]
         == [hit["row_id"] for hit in answer["hits"]][:10], what="results matching the API with the negative anchor")
    # The threshold slider: keep the top 5%; the readout shows the percentile and the score.
    slider = driver.find_element(By.ID, "search-threshold")
    js("arguments[0].value = 95; arguments[0].dispatchEvent(new Event('input')); arguments[0].dispatchEvent(new Event('change'))", slider)
    kept = call("POST", f"{space_path(fashion, pixels)}/search", {"positive": [anchor], "negative": [expected[1]], "k": 60, "percentile": 95})
    wait(lambda: f"{len(kept['hits'])} results" in driver.find_element(By.ID, "search-status").text, what="the thresholded results")
    readout = driver.find_element(By.ID, "threshold-readout").text
    expect("top 5.0% of rows" in readout, f"readout {readout!r}")
    if kept.get("score_threshold") is not None:
        expect(f"score ≥ {kept['score_threshold']:.3f}" in readout, f"readout {readout!r}, API threshold {kept['score_threshold']}")
    shot("search")
    return f"top 12 identical to the API; {same}/10 nearest share the anchor's label {anchor_label}; slider: {readout}"


@check("lasso on the map selects what the R-tree and the coordinates say")
def lasso():
    open_screen("map", "fashion-mnist-ui")
    wait(lambda: js("return window.loupe.map.loaded()"), timeout=120, what="the map")
    data = call("GET", f"{space_path(fashion, pixels)}/map")
    b = data["bounds"]
    cx, cy = (b["min_x"] + b["max_x"]) / 2, (b["min_y"] + b["max_y"]) / 2
    rx, ry = (b["max_x"] - b["min_x"]) * 0.28, (b["max_y"] - b["min_y"]) * 0.28
    # A concave seven-pointed star around the centre, drawn with the mouse in lasso mode.
    outline = []
    for i in range(14):
        angle = 2 * math.pi * i / 14
        scale = 1.0 if i % 2 == 0 else 0.55
        outline.append((cx + rx * scale * math.cos(angle), cy + ry * scale * math.sin(angle)))
    canvas = driver.find_element(By.ID, "map-canvas")
    canvas.send_keys("l")
    rect = js("return window.loupe.map.canvasRect()")
    screen = [js("return window.loupe.map.toClient(arguments[0], arguments[1])", x, y) for x, y in outline]
    ox, oy = rect["left"] + rect["width"] / 2, rect["top"] + rect["height"] / 2
    actions = ActionChains(driver, duration=10)
    actions.move_to_element_with_offset(canvas, screen[0][0] - ox, screen[0][1] - oy).click_and_hold()
    for (x0, y0), (x1, y1) in zip(screen, screen[1:] + screen[:1]):
        for step in range(1, 5):  # several moves per edge, as a hand would
            t = step / 4
            actions.move_to_element_with_offset(canvas, x0 + (x1 - x0) * t - ox, y0 + (y1 - y0) * t - oy)
    actions.release().perform()
    wait(lambda: js("return window.loupe.map.selection().region !== null"), what="the lasso selection")
    selection = js("return window.loupe.map.selection()")
    polygon = selection["region"]["polygon"]
    vertices = list(zip(polygon[0::2], polygon[1::2]))
    expected = {i for i, (x, y) in enumerate(zip(data["x"], data["y"])) if inside(x, y, vertices)}
    expected_ids = sorted(data["ids"][i] for i in expected)
    chosen = sorted(selection["ids"])
    expect(len(chosen) > 20, f"the lasso selected only {len(chosen)} points")
    expect(chosen == expected_ids, f"UI selected {len(chosen)}, point-in-polygon on the API's coordinates gives {len(expected_ids)}")
    again = call("POST", f"{space_path(fashion, pixels)}/map/select", {"polygon": polygon})
    expect(sorted(again["ids"]) == chosen, "the API's own select answers differently")
    # Hover shows a thumbnail; clicking a legend entry shows a cluster summary.
    shot("map")
    driver.find_element(By.CSS_SELECTOR, "#map-legend button").click()
    wait(lambda: "Cluster 0" in driver.find_element(By.ID, "map-selection").text, what="the cluster summary")
    summary = call("GET", f"{space_path(fashion, pixels)}/map/clusters/0")
    panel = driver.find_element(By.ID, "map-selection").text
    expect(f"{summary['size']:,} rows" in panel and summary["name"] in panel, "cluster size or name not shown")
    expect("null" not in panel and "undefined" not in panel, f"the summary shows a missing value: {panel!r}")
    x, y = js("return window.loupe.map.toClient(arguments[0], arguments[1])", data["x"][0], data["y"][0])
    ActionChains(driver).move_to_element_with_offset(canvas, x - ox, y - oy).perform()
    wait(lambda: driver.find_element(By.ID, "map-hover").is_displayed(), what="the hover card")
    shot("map-cluster")
    return f"{len(chosen)} of {len(data['ids'])} points inside a {len(vertices)}-vertex lasso; the same ids from both"


@check("smart select saves a selection and exports it as NDJSON")
def smart_select():
    open_gallery()
    driver.find_element(By.ID, "gallery-smart").click()
    dialog = driver.find_element(By.ID, "smart-dialog")
    wait(lambda: dialog.is_displayed(), what="the dialog")
    dialog.find_element(By.CSS_SELECTOR, "input[value=diverse]").click()
    count = dialog.find_element(By.NAME, "count")
    count.clear()
    count.send_keys("40")
    name = dialog.find_element(By.NAME, "name")
    name.clear()
    name.send_keys("diverse 40")
    dialog.find_element(By.NAME, "excludeDuplicates").click()
    shot("smart-select")
    driver.find_element(By.ID, "smart-submit").click()
    wait(lambda: "diverse 40" in driver.find_element(By.ID, "selections-table").text, timeout=60, what="the saved selection")
    selections = call("GET", "/v1/datasets/fashion-mnist-ui/selections")["items"]
    saved = next(s for s in selections if s["name"] == "diverse 40")
    expect(len(saved["row_ids"]) == 40 and len(set(saved["row_ids"])) == 40, f"selection has {len(saved['row_ids'])} rows")
    labels = {call("GET", f"/v1/datasets/fashion-mnist-ui/rows/{row}")["labels"][0]["class_name"] for row in saved["row_ids"]}
    link = driver.find_element(By.CSS_SELECTOR, f'#selections-table tr[data-id="{saved["id"]}"] a.export')
    exported = js("return fetch(arguments[0]).then(r => r.text())", link.get_attribute("href"))
    lines = [json.loads(line) for line in exported.splitlines() if line.strip()]
    expect(sorted(line["id"] for line in lines) == sorted(saved["row_ids"]), f"export has {len(lines)} lines")
    shot("selections")
    return f"40 distinct rows over {len(labels)} classes; export has {len(lines)} NDJSON lines"


@check("jobs screen shows imports with progress and reasons")
def jobs():
    bad = b'{"id": "fm-00001", "vector": [1, 2]}\n{"id": "no-such-row", "vector": [' + b",".join([b"0.5"] * 784) + b"]}\nnot json\n"
    call("POST", f"{space_path(fashion, pixels)}/vectors?background=true", raw=bad, content_type="application/x-ndjson")
    open_screen("jobs", "fashion-mnist-ui")
    wait(lambda: len(driver.find_elements(By.CSS_SELECTOR, "#jobs-table tbody tr[data-id]")) > 0, what="a job row")
    wait(lambda: all(r.get_attribute("data-state") not in ("pending", "running")
                     for r in driver.find_elements(By.CSS_SELECTOR, "#jobs-table tbody tr[data-id]")), what="jobs to finish")
    api_jobs = call("GET", "/v1/jobs")["items"]
    text = driver.find_element(By.ID, "jobs-table").text
    for job in api_jobs:
        expect(job["state"] in text, f"job state {job['state']} not shown")
        if job.get("error"):
            expect(job["error"][:40] in text, f"job error {job['error']!r} not shown")
        for error in (job.get("report") or {}).get("errors", [])[:5]:
            expect(error["reason"][:40] in text, f"import error {error['reason']!r} not shown")
    shot("jobs")
    rejected = sum(len((j.get("report") or {}).get("errors", [])) for j in api_jobs)
    return f"{len(api_jobs)} job(s): " + ", ".join(f"{j['kind']} {j['state']}" for j in api_jobs) + f"; {rejected} rejected lines shown with their reasons"


@check("narrow window keeps the layout usable")
def narrow():
    driver.set_window_size(420, 860)
    open_gallery()
    overflow = js("return document.documentElement.scrollWidth - window.innerWidth")
    expect(overflow <= 0, f"the page is {overflow}px wider than the window")
    shot("gallery-narrow")
    driver.set_window_size(1280, 800)
    return "no horizontal overflow at 420 px"


@check("map frame time at 100k points")
def frame_time():
    open_screen("map", "points-100k")
    wait(lambda: js("return window.loupe.map.loaded()"), timeout=180, what="the 100k-point map")
    count = js("return window.loupe.map.selection() && document.getElementById('map-status').textContent")
    result = driver.execute_async_script("const done = arguments[arguments.length - 1]; window.loupe.map.benchmark(180).then(done)")
    expect(result["points"] == len(point_ids), f"the map has {result['points']} points, not {len(point_ids)}")
    figures[f"map draw time per frame at {result['points']:,} points, median / p95 (ms)"] = (round(result["draw"]["median"], 2), round(result["draw"]["p95"], 2))
    figures["map frame interval while panning+zooming, median / p95 (ms)"] = (round(result["interval"]["median"], 2), round(result["interval"]["p95"], 2))
    shot("map-100k")
    expect(result["interval"]["median"] < 50, f"median frame interval {result['interval']['median']:.1f} ms")
    return f"{count}; draw {result['draw']['median']:.1f} ms median, frames every {result['interval']['median']:.1f} ms"


@check("a server with API keys asks for one and works with it")
def api_keys():
    global API_KEY
    # The open loopback server lets anyone make the first key; from then on every call needs one.
    API_KEY = call("POST", "/v1/keys", {"name": "ui test admin", "scope": "admin"})["key"]
    reader = call("POST", "/v1/keys", {"name": "ui test reader", "scope": "read"})["key"]
    driver.get("about:blank")
    driver.get(f"{BASE}/?dataset=fashion-mnist-ui#/gallery")  # the UI starts only once it holds a key
    wait(lambda: driver.find_element(By.ID, "key-dialog").is_displayed(), what="the key dialog")
    box = driver.find_element(By.ID, "key-input")
    box.send_keys("loupe_00000000_notarealkeynotarealkey", Keys.ENTER)
    wait(lambda: "Unknown or revoked" in driver.find_element(By.ID, "key-error").text, what="the wrong key's error")
    shot("api-key")
    box.clear()
    box.send_keys(reader, Keys.ENTER)
    wait(lambda: not driver.find_element(By.ID, "key-dialog").is_displayed(), what="the dialog to close")
    wait(lambda: js("return document.body.dataset.ready === 'true'"), what="the UI to start")
    wait(lambda: js("return [...document.querySelectorAll('#gallery-grid img.thumb')].some(i => i.complete && i.naturalWidth > 0)"),
         what="a thumbnail loaded with the session cookie")
    status = driver.find_element(By.ID, "auth-status").text
    expect(status == "key: read", f"the top bar says {status!r}")
    stored = js("return JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage}) + document.cookie")
    expect(reader not in stored, "the key is readable from JavaScript")
    driver.find_element(By.ID, "sign-out").click()
    wait(lambda: driver.find_element(By.ID, "key-dialog").is_displayed(), what="the key dialog after signing out")
    return "wrong key refused in the dialog, a read key loads the gallery and thumbnails, sign out asks again"


driver.quit()
print()
for name, value in figures.items():
    print(f"figure: {name}: {value}")
passed = sum(1 for _, ok in results if ok)
failed = len(results) - passed
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)

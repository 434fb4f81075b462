#!/usr/bin/env python3
"""Build the synthetic sample corpus in ``corpus/`` (everything except ``corpus/labelled/``).

All text below is invented for copquotes: no published report, dataset or real
participant's words are used. People, organisations, e-mail addresses, websites and
handles are fictional; phone numbers come from the ranges the Australian regulator
(ACMA) reserves for fiction (0491 570 xxx, (03) 5550 xxxx, (03) 7010 xxxx). Town and
region names are real places in Victoria / Australia, as they would appear in talk.

Deterministic: every pseudo-random choice uses a fixed seed, and ZIP-based files
(XLSX, DOCX) are rewritten with fixed member timestamps, so re-running the script
reproduces the same bytes.

Usage::

    python scripts/build_corpus.py            # write corpus/ and print unit counts
    python scripts/build_corpus.py --check    # only count units in the files on disk
    python scripts/build_corpus.py --ingest   # also parse every file with copquotes.ingest
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import random
import re
import sys
import uuid
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"

# ---------------------------------------------------------------------------
# Groups and the focus-group roster
# ---------------------------------------------------------------------------
RRE = "RRE"
WCYP = "Working With Children and Young People"
EARLY = "Early career"
MIDSENIOR = "Mid-Senior"
LEADERS = "Prevention leaders"
REGIONAL = "Regional and rural"
TERTIARY = "Tertiary settings"

# name, role, quote_consent, aliases (";"-separated in the CSV), group
ROSTER = [
    # RRE 2024-2025, Zoom focus group
    ("Melissa Hart", "facilitator", "yes", ["Mel", "Mel Hart"], RRE),
    ("Kate Nguyen", "participant", "yes", ["Katie", "Katie Nguyen"], RRE),
    ("Daniel O'Brien", "participant", "yes", ["Dan", "Dan O'Brien"], RRE),
    ("Priya Raman", "participant", "yes", [], RRE),
    ("Tom Fitzgerald", "participant", "no", ["Tommy"], RRE),
    ("Amira Haddad", "participant", "yes", [], RRE),
    ("Jessica Campbell", "participant", "yes", ["Jess", "Jess Campbell", "Jessie"], RRE),
    # Early career 2023-2024, Teams VTT
    ("Dr Nadia Rahman", "facilitator", "yes", ["Nadia Rahman", "Nadia", "Dr Rahman"], EARLY),
    ("Chloe Bennett", "participant", "yes", [], EARLY),
    ("Liam Tran", "participant", "yes", [], EARLY),
    ("Grace Whitfield", "participant", "yes", [], EARLY),
    ("Ngozi Adeyemi", "participant", "no", ["Ngozi"], EARLY),
    ("Hannah Schultz", "participant", "yes", ["Hannah", "Han"], EARLY),
    ("Jordan Ellis", "participant", "yes", ["Jordo"], EARLY),
    # Regional and rural 2022, Teams DOCX
    ("Susan Mitchell", "facilitator", "yes", ["Sue", "Sue Mitchell"], REGIONAL),
    ("Lorraine Jackson", "participant", "yes", ["Aunty Lorraine", "Aunty Lorraine Jackson"], REGIONAL),
    ("Rebecca Lawson", "participant", "yes", ["Bec", "Bec Lawson", "Becky"], REGIONAL),
    ("Hope Karaitiana", "participant", "yes", [], REGIONAL),
    ("Matt Doyle", "participant", "no", ["Matthew Doyle", "Matty"], REGIONAL),
    ("Fiona McKenzie", "participant", "yes", ["Fi"], REGIONAL),
    ("Raj Patel", "participant", "yes", ["Rajesh Patel"], REGIONAL),
    # Prevention leaders 2024, Otter TXT
    ("Joanne Papadopoulos", "facilitator", "yes", ["Jo", "Jo Papadopoulos"], LEADERS),
    ("Michelle Osei", "participant", "yes", [], LEADERS),
    ("Andrew Kowalski", "participant", "yes", ["Andy"], LEADERS),
    ("Faith Mwangi", "participant", "no", [], LEADERS),
    ("Sarah Goldberg", "participant", "yes", [], LEADERS),
    ("Dr Helen Tsang", "participant", "yes", ["Helen Tsang", "Helen"], LEADERS),
    # Mid-Senior 2021-2022, interview (labels are Interviewer / Participant)
    ("Rachel Whitlock", "participant", "yes", ["Rach"], MIDSENIOR),
    ("Leanne Kaur", "facilitator", "yes", ["Leanne"], MIDSENIOR),
    # Working With Children and Young People 2018-2019, "Name:" notes (first names)
    ("Rosalind Ferreira", "facilitator", "yes", ["Ros", "Roz"], WCYP),
    ("Eleanor Park", "participant", "yes", ["Ellie"], WCYP),
    ("Marcus Webb", "participant", "yes", ["Marcus"], WCYP),
    ("Tahlia Morgan", "participant", "yes", ["Tahlia"], WCYP),
    ("Deborah Singh", "participant", "no", ["Deb", "Debbie"], WCYP),
    ("Yusuf Abdi", "participant", "yes", ["Yusuf"], WCYP),
    # Tertiary settings 2024-2025, Teams VTT without cue ids
    ("Claire Donnelly", "facilitator", "yes", [], TERTIARY),
    ("Dr Samuel Okafor", "participant", "yes", ["Sam Okafor", "Sam", "Dr Sam Okafor"], TERTIARY),
    ("Mei Lin Chen", "participant", "yes", ["Mei Lin", "Mei"], TERTIARY),
    ("Olivia Brooks", "participant", "yes", ["Liv", "Liv Brooks"], TERTIARY),
    ("Ben Hadley", "participant", "no", ["Benny"], TERTIARY),
]


def _turns(codes: dict, rows: list) -> list[tuple[str, str]]:
    """Expand ``(code, text)`` rows to ``(speaker label, text)`` using ``codes``."""
    return [(codes[c], t) for c, t in rows]


# ---------------------------------------------------------------------------
# Transcript 1: RRE 2024-2025 focus group, Zoom VTT
# ---------------------------------------------------------------------------
RRE_ZOOM = _turns(
    {"M": "Mel Hart", "K": "Katie Nguyen", "D": "Dan O'Brien", "P": "Priya Raman",
     "T": "Tom Fitzgerald", "A": "Amira Haddad", "J": "Jess Campbell"},
    [
        ("M", "Hi everyone, welcome, welcome. Just give it a minute while a few more people come through from the waiting room."),
        ("K", "Hi Mel!"),
        ("M", "Hi Katie. Can everyone hear me okay? I've got a new headset and I'm not sure about it."),
        ("D", "Yep, loud and clear."),
        ("P", "You're a bit quiet actually. Oh no, hang on, that's better."),
        ("M", "Great. So thanks so much for coming along to this focus group. As you know this is part of the evaluation of the Respectful Relationships Education CoP for 2024-2025. We're recording so we can get a transcript, and the transcript only goes to the evaluation team. Anything we use in reports is anonymous, and we'll check the consent forms you filled in. Is everyone okay with that?"),
        ("T", "Yep, all good."),
        ("A", "Yes, that's fine."),
        ("J", "Fine by me."),
        ("M", "Lovely. So we'll go for about an hour. Let's start easy. What's one word that describes the CoP for you this year? Just pop your hand up or come off mute."),
        ("J", "Can I go first? Mine's oxygen. Which sounds dramatic, but honestly, it's the only hour in the month where I'm not explaining myself. I walk in flat and I walk out with a plan and a bit of fight back in me."),
        ("K", "Lifeline. I think I said that in the survey too."),
        ("D", "Mine would be sounding board. That's two words, sorry."),
        ("M", "We'll allow it. Priya?"),
        ("P", "Sorry, I was on mute. Mine is permission. Permission to not have all the answers. In my school I'm meant to be the expert on respectful relationships and I'm really not, I'm figuring it out like everyone else, and the CoP was the first place where I could say that out loud."),
        ("M", "Thank you. That's a lovely thread to pull on. Amira?"),
        ("A", "Belonging, I think. I'll come back to why."),
        ("T", "I'll say reality check. In a good way."),
        ("M", "Okay, so lots there. Let's go to the first question properly. Thinking back over the sessions this year, what has been most valuable for you? Tom, do you want to start, since you said reality check?"),
        ("T", "Sure. So at my school we're a year in with the Respectful Relationships resources and, look, the rollout's been patchy. What was valuable was hearing that everyone else's rollout is patchy too. Someone in the second session, I think it was Jess, laid out the three attempts her schools made at the Year 9 unit before it stuck, and I thought, right, we're not failing, we're just at attempt one."),
        ("J", "Attempt two and a half, more like."),
        ("D", "For me it's the practical stuff. I teach health and PE at a secondary college out near Ballarat, and I'm the one who gets handed the consent and respectful relationships lessons because, you know, the PE teacher can talk about bodies. The resource swap we did in session four was gold. I've used Katie's scenario cards pretty much every week since."),
        ("K", "Oh, that makes me so happy. I'll put them back in the chat later for anyone who missed them."),
        ("M", "That's great. Katie, what about you?"),
        ("K", "Honestly, the people. I've been at Kingsbury Park Secondary College for six years and I'm the RRE lead, which mostly means I'm the person who gets the email when a parent complains. Coming here each month, I realised there's a whole network of people doing the same thing and we can actually ring each other. I rang Priya last term about the staff session on gendered drivers, didn't I?"),
        ("P", "You did. And then I rang you back about the parent night."),
        ("J", "And if anyone wants our parent info sheets, they're on our website, loddonwh.org.au/schools, or follow us on Insta at @LoddonWomensHealth, we post the updated ones there."),
        ("M", "Thanks Jess. I love that this group has turned into a phone tree. That leads nicely into the next thing I wanted to ask about, which is the harder stuff. A few of you have mentioned parent complaints or resistance. Can you talk about what that looked like this year, and whether the CoP helped at all?"),
        ("K", "Yeah, so. Term two we had a parent write to the principal and the school council saying we were pushing a feminist agenda on the boys, and it got forwarded around, and then there was a post in the local community Facebook group. The comments under it were pretty vile. Someone called me a man-hater by name. I'm fine now, but that week I really wasn't."),
        ("M", "That sounds really hard, Katie. Thank you for sharing it."),
        ("K", "What helped was bringing it here. Nobody flinched. Nobody said I should have worded the newsletter differently. Mel, you gave us that backlash framework and we went through it together, like, is this denial, is this reversal, is this co-option, and it turned a personal attack into something I could analyse. That's when I stopped shaking."),
        ("A", "Can I add to that? I had something similar, but it came from staff, not parents. A senior teacher said in a staff meeting, in front of everyone, that this is just politics and we should stick to maths and English. And as a Muslim woman in a hijab, the only one on staff, there's a second layer to it, because some people already think I'm bringing my culture into the classroom. So I was being told off twice in one sentence."),
        ("M", "Mm. That's a lot to carry."),
        ("A", "It is. And in the CoP I didn't have to explain that second layer. Two people messaged me after that session just to check in. That's what I meant by belonging."),
        ("J", "Amira, I want to say that conversation changed how I run staff briefings. I'd never thought about who gets read as political and who gets read as neutral."),
        ("P", "Same."),
        ("M", "Dan, Priya, did either of you have pushback this year?"),
        ("D", "Not so much from parents. More from the boys themselves, which, you know, that's kind of the point, that's where the work is. There's a lot of the manosphere stuff coming in. Year 10 boys quoting podcasts at me. The CoP helped because Tom and I swapped notes on how to not take the bait, how to ask questions instead of arguing."),
        ("T", "Ask the second question, not the first one. That was the line. The first question is the one that wins the argument, the second one is the one that gets him thinking, and he'll forget the argument by lunch but he'll remember the question."),
        ("D", "Yeah, exactly. I've got it on a sticky note on my laptop."),
        ("P", "For me it's leadership. My principal is supportive in words, but when it comes to time release, it's never there. I'm doing the whole-school approach on top of a full teaching load and a wellbeing role. So some months I come into the CoP just to be in a room where people get it. I don't always have energy to contribute. And that was allowed, which I really appreciated."),
        ("M", "Thank you, that's a good segue actually. Let's talk about wellbeing. Several of you said in the survey that you arrive tired. What did the CoP do, if anything, for how you're going?"),
        ("J", "I mean, I said oxygen. I'm the schools partner at Loddon Women's Health, so I support about fourteen schools around Bendigo, and I'm the one going in and out of staffrooms. Some weeks I have five different principals telling me they're not ready for the gender stuff. By Friday I'm cooked. The CoP is where I refill. It sounds soft, but it's the reason I haven't quit."),
        ("K", "Yeah. Same. I did the self-care plan from session three and I actually stuck to it, which never happens."),
        ("P", "I didn't, but I thought about it, which is progress."),
        ("M", "That counts. Okay, let me check the time. We're about twenty-five minutes in. Can I ask about safety in the group? Did it feel like a space where you could say the risky thing?"),
        ("T", "Mostly, yes. I'll be honest, in the first session it felt a bit like everyone was performing. You know, everyone saying the right words. It took until about session three before people started saying, actually, I stuffed this up. I think when Mel shared one of her own stuff-ups, that's what cracked it open."),
        ("M", "Ha. I did, didn't I. The parent-teacher night."),
        ("T", "The parent-teacher night. Yes."),
        ("A", "The group agreement helped me. Especially the one about what's said here stays here, but what's learned here leaves here. I wrote that one down."),
        ("D", "I think the breakout rooms were hit and miss, though. Sometimes you'd get put in a room with two people with their cameras off and it was just me talking to myself."),
        ("M", "That's really useful feedback. I'll note that."),
        ("P", "Sorry, my internet dropped out for a second. Did I miss a question?"),
        ("M", "No, you're fine, we're talking about feeling safe in the group. Anything to add?"),
        ("P", "Only that it's the first PD I've been to where I didn't feel judged for being a primary teacher. Usually the secondary people dominate. Here the little kids' stuff was taken seriously. Gender stereotypes start in prep, everyone knows that, but it was nice to have it said."),
        ("M", "Great. Let's move on to what you're doing differently. Can you describe a change in your practice that came from the CoP?"),
        ("J", "Mine's concrete. I used to go into a school with my full slide deck and try to sell them everything. Now I start by asking what's already happening and I build on that. It's slower, but the schools I did that with are the ones that kept going. I learned that from Katie's story about her principal, actually."),
        ("K", "Mine is that I stopped apologising. I used to open every staff PD with, I know everyone's busy, I'll be quick. Now I open with the data, then I say what we're doing and why. It changes the whole room."),
        ("D", "I've changed how I group the kids. Mixed groups for the scenario work, and I check in with the quiet girls afterwards. Small thing."),
        ("M", "Small things are not small. Amira?"),
        ("A", "I'm braver about naming it. I used to say healthy relationships because it felt safer. Now I say gender-based violence, I say family violence. If a parent asks, I explain. I had a disclosure from a Year 8 girl this year, her mum's partner had put a tracker on her mum's car and was turning up wherever she went, and because I'd been in the CoP I knew exactly who to call and I didn't freeze."),
        ("M", "Thank you for sharing that, Amira, and I'll just gently remind everyone that we keep the details of disclosures out of these conversations. But I hear the point, that you felt ready."),
        ("A", "Yes, sorry. That's what I meant. I felt ready."),
        ("M", "No need to apologise. Okay. Last big one. What could be better? Please be honest, we want the critical stuff too."),
        ("T", "Timing. Four o'clock on a Tuesday is the worst possible time for teachers. I missed three sessions because of yard duty and parent meetings. Maybe record the input bits so we can catch up?"),
        ("D", "Agree with Tom."),
        ("P", "And more time for the sharing. The guest speakers were good, but I came for the people. Sometimes the speaker went forty minutes and we had ten minutes to talk."),
        ("J", "I'd love a way to stay in touch after it ends. We had the Basecamp but nobody used it. Maybe just a group email or something."),
        ("K", "A WhatsApp group would be so much easier. I'd be in that."),
        ("A", "I wouldn't do WhatsApp, I'd prefer email. Just for boundaries."),
        ("M", "Okay, noted both ways. Any thoughts about the content itself?"),
        ("T", "I would have liked more on working with men and boys. Nearly everyone in the group was a woman, which is fine, it's the sector, but the male staff at my school are the ones I need to bring along, and I still don't really know how."),
        ("M", "Great point. Before we wrap up, I want to share a reflection as the facilitator, if that's okay. This group was different from the last one I ran. In the early sessions I was doing a lot of the talking and I could feel the energy dropping. What I learned was to get out of the way. By the end you were running your own case consults and I was mostly keeping time. As a facilitator, that's the best outcome I can hope for. Watching you go from, is it just me, to, here's what worked for me, was honestly the highlight of my year."),
        ("J", "Aw, Mel."),
        ("K", "We couldn't have done it without you, though."),
        ("M", "Well, thank you. Okay, logistics. There's a short survey coming by email this week. And if you want to stay in touch, I'm at mel.hart@pvpeak.org.au, or my work mobile is 0491 570 156 if you ever want a chat about something that's come up."),
        ("K", "Can you drop that in the chat as well?"),
        ("M", "Will do. Thanks everyone. Take care of yourselves."),
        ("D", "Thanks Mel. Bye all."),
        ("P", "Bye! Thanks everyone."),
    ],
)

# ---------------------------------------------------------------------------
# Transcript 2: Early career 2023-2024 focus group, Teams VTT with GUID cue ids
# ---------------------------------------------------------------------------
EARLY_TEAMS = _turns(
    {"N": "Nadia Rahman", "C": "Chloe Bennett", "L": "Liam Tran", "G": "Grace Whitfield",
     "O": "Ngozi Adeyemi", "H": "Hannah Schultz", "J": "Jordan Ellis"},
    [
        ("N", "Okay, I think we've got most people. Hi everyone, and thanks for staying on after the session. I've started the recording and the transcript, you should see the banner at the top. Just a reminder that this is for the evaluation of the Early Career CoP, and nothing you say will be attributed to you by name."),
        ("C", "Hi Nadia."),
        ("L", "Hey everyone."),
        ("N", "Is that Hannah joining? Hi Hannah. Can you hear us?"),
        ("H", "Yes, sorry, I was in the wrong link. I'm here."),
        ("N", "No worries. So, a little warm-up. If you think back to how you felt before the first session in August, and how you feel now, what's changed?"),
        ("G", "Can I jump in? Before, I honestly thought everyone else in prevention knew what they were doing and I was the fraud. I'd come from a retail job, I did my Master of Public Health part time, and suddenly I was the health promotion officer for family violence prevention at Bayside Peninsula Community Health. I was terrified. Now I think, oh, everyone's making it up together, and some of us are making it up really well."),
        ("N", "I love that. Making it up together."),
        ("C", "For me it's confidence. I'm 24 and most of the people I run training for at council are twice my age, and some of them are the managers who signed off on my job. The first time I presented on the gendered drivers, one of the engineers said, so are you saying all men are violent, and I just went red. Now I've got lines ready. The CoP gave me lines."),
        ("N", "What was the line, Chloe?"),
        ("C", "Something like, no, I'm saying violence has patterns, and patterns can be changed. Hannah gave me that one, actually."),
        ("H", "Did I? I think I stole it from a webinar."),
        ("C", "Well, now it's mine."),
        ("L", "I'd say I feel less alone. I'm at Wattle Grove Neighbourhood House in Footscray, two days a week on a youth project, and I'm the only person there who does anything prevention-related. My manager is lovely but she doesn't know the frameworks. So having a group of people who know what Change the Story is without me explaining it, that's huge."),
        ("J", "Yeah, the not-explaining thing. Big one."),
        ("N", "Jordan, do you want to say more?"),
        ("J", "Sure. I work with queer young people, and a lot of prevention material is very, very heterosexual. Boyfriend, girlfriend, husband, wife. In the CoP I could actually bring that up and people didn't get weird about it. Liam and I ended up adapting one of the scenario packs together so it's inclusive, and it's now being used in three services."),
        ("L", "Shameless plug, it's on our Padlet, I'll post the link in the chat."),
        ("N", "Please do. Ngozi, you've been quiet, anything you want to add?"),
        ("O", "Sorry, I'm on the train, so I'll be quick. It's good. I feel like I understand the field more. Before, I didn't know the difference between primary prevention and response. Now I do."),
        ("N", "That's a really important shift. Okay, next question. What was the most valuable part of the CoP for you, and why?"),
        ("H", "The case consults. When we each brought a real situation and the group workshopped it. I brought the netball thing, where the club president said the respect in sport program was woke nonsense and wouldn't put it on the committee agenda. And five people gave me five different ways in. I went with Grace's suggestion, to go through the junior coaches instead of the committee, and it worked. We've got it running in the under-twelves now."),
        ("G", "That makes me so happy."),
        ("N", "Hannah, that's a great example of making the case for change. Anyone else?"),
        ("C", "The honesty. Early career people don't usually get to say, I don't know what I'm doing. In my team everyone's senior and I feel like I have to perform competence. In the CoP you could say, I had a terrible meeting, and people would nod instead of trying to fix it."),
        ("O", "The readings. I liked that the readings were short. Sorry, I'm going into a tunnel."),
        ("N", "No worries, Ngozi. Grace?"),
        ("G", "I think for me it was the mix of head and heart. Nadia would give us a framework, like the social-ecological model, and then ask, okay, where do you sit in this, where's your power. I'd never been asked that before. I realised I'd been treating the community like it's out there, when I'm part of it. I grew up in the same suburbs I work in. That changed how I run consultations."),
        ("N", "Thank you, Grace. That's exactly the reflective practice piece we were hoping for."),
        ("J", "Can I come back on something? The valuable thing for me was seeing that backlash isn't personal, even when it feels personal. A parent rang my service to complain that we were turning kids gay with the respectful relationships program. Which, no. But in the group I could laugh about it, and then get serious about it, and we talked about how to document it and how to brief my manager. I didn't have a script for that before."),
        ("N", "That's a heavy thing to deal with early in a career."),
        ("J", "It was. I'm okay."),
        ("N", "Let's talk about wellbeing for a minute. How are people going, honestly? And did the CoP make a difference?"),
        ("L", "Honestly? Tired. The CoP doesn't fix that. But it was the one meeting in my calendar I didn't dread. I'd come in after a full day and leave with more energy than I arrived with, which is a weird thing for a meeting to do."),
        ("H", "Same. And I want to mention, I'm hard of hearing, so usually online PD wipes me out because I'm concentrating so hard on lipreading. Nadia turned on live captions from the first session without me asking. Small thing, but it meant I had energy left for the actual content."),
        ("N", "Thanks, Hannah, I'm glad that worked."),
        ("C", "I think I burned out a bit around session five, with end of financial year and the 16 Days planning at the same time. And the group noticed. Grace messaged me. That's solidarity, I guess. People who notice."),
        ("G", "We look after each other."),
        ("N", "You do. Sorry, someone's got a bit of background noise, could everyone not speaking go on mute? Thank you. Okay, we're nearly at time. Quick round: what could be improved? One thing each."),
        ("O", "More in person. Even one session in person."),
        ("L", "Agree. One in-person day would be amazing. Maybe in the city, with travel support for the regional people."),
        ("J", "More on intersectionality as a practice, not just as a word on a slide."),
        ("H", "Shorter breakout rooms, longer whole-group."),
        ("C", "I'd love a session with the senior CoP. Like a mentoring crossover. I want to hear from people who've been doing this for twenty years and are still standing."),
        ("G", "Honestly, nothing major. Maybe send the slides before rather than after."),
        ("N", "Great, all noted. And before we close, just a small reflection from me. When I started facilitating early career groups, I thought my job was to fill gaps in knowledge. What I've learned, and this group really taught me, is that the knowledge is mostly already in the room, and my job is to make it safe enough to share. You've been a generous group. So, thank you. The survey link is in the chat, and it closes on the thirtieth."),
        ("C", "Thanks Nadia! And if anyone from council land wants the training deck, I'm on (03) 7010 2288, just ask for Chloe in community safety."),
        ("L", "Thanks, bye all."),
        ("H", "Bye!"),
        ("O", "Thanks everyone. Sorry about the train."),
        ("J", "See ya. I'm jordan.ellis@rainbowyouthwest.org.au if anyone wants the adapted scenario pack."),
    ],
)

# ---------------------------------------------------------------------------
# Transcript 3: Regional and rural 2022 focus group, Teams DOCX
# ---------------------------------------------------------------------------
REGIONAL_DOCX = _turns(
    {"S": "Sue Mitchell", "L": "Lorraine Jackson", "B": "Bec Lawson", "H": "Hope Karaitiana",
     "M": "Matt Doyle", "F": "Fiona McKenzie", "R": "Raj Patel"},
    [
        ("S", "Okay, recording's on. Morning everyone, and thanks for making time. I know some of you have driven in to the office just to get decent internet for this, so I really appreciate it."),
        ("F", "Ha, I'm in the car park of the IGA in Sale, it's the only spot with full bars."),
        ("S", "Whatever works! Before we start, I'd like to acknowledge that we're meeting on the lands of many Traditional Owners today, and I pay my respects to Elders past and present. Aunty Lorraine, it's lovely to have you with us."),
        ("L", "Thanks Sue. Good to be here. I'm on Yorta Yorta country today."),
        ("S", "So this is the end-of-year focus group for the Regional and Rural Community of Practice. We'll talk for about forty-five minutes. Everything is confidential and anything used in the report will be anonymous. Is everyone comfortable with the recording?"),
        ("B", "Yep."),
        ("R", "Yes."),
        ("M", "All good."),
        ("S", "Great. First question. Working in prevention outside Melbourne, what has the CoP meant for you this year?"),
        ("B", "Can I go first, because I've been dying to say this. I'm the only prevention worker in Mildura. Like, literally the only one with it in my job title. Before the CoP, the nearest person who did what I do was a five-hour drive away. Now I've got six of them in my phone. When the local paper ran that letter saying family violence programs were anti-male, I had people to call within the hour."),
        ("S", "Thanks, Bec. That isolation piece comes up a lot."),
        ("H", "For me it's similar but different. I'm not the only one in my organisation, but I'm the only one who isn't from town. In a small place, people talk. I can't vent at the pub. The CoP was the one place I could say this week was awful without it getting back to the footy club by Saturday."),
        ("M", "Ha. That's true, though. I'm at the footy club."),
        ("H", "No offence, Matt."),
        ("M", "None taken. It's fair. Look, for me the CoP was a bit of an eye-opener. I'm the community development officer for the Western Plains Football Netball League, based in Horsham. Most of the blokes I work with think this stuff is for the city. Doing the CoP, I realised it's not about getting them to love the words gender equality. It's about the change rooms, the jokes, who gets the good training times. I've stopped leading with the theory and started leading with the netball girls not having lights to train under."),
        ("S", "That's a great example of making the case in local terms."),
        ("L", "Can I say something about that, Sue? In our community the men need to be part of it, but it has to be our way. Yarning, not PowerPoint. What I valued in this group was that nobody tried to tell me how to do it for my mob. People listened, and then asked how they could support. That's rare in these spaces. Usually I'm the token, you know. Here I felt like a colleague."),
        ("S", "Thank you, Aunty. That means a lot."),
        ("F", "I'd agree. And from my end, the stuff Aunty Lorraine shared in session four about cultural safety completely changed how I run our women's group at the neighbourhood house. I realised I'd been running it the same way for years and never asked who wasn't coming, and why."),
        ("S", "Raj, what about you?"),
        ("R", "Sorry, the connection's really bad, can you hear me?"),
        ("S", "You're breaking up a bit, but I got most of that."),
        ("R", "Okay, I'll turn my camera off. Yes, so for me it's the connection. I'm with Goulburn Valley Community Health in Shepparton, I work a lot with the Punjabi and South Sudanese communities, and a lot of the standard resources don't land. In the CoP I found out Hope was working on translated materials with her team, and we've since done two joint sessions. That would never have happened otherwise. We're two hours apart and we'd never met."),
        ("H", "Best thing to come out of the whole year, honestly."),
        ("S", "Lovely. Let's go to the harder side. Have you experienced resistance or backlash this year, and did the CoP help you respond?"),
        ("B", "So, the letter I mentioned. A retired bloke wrote in to the paper saying council was wasting money on feminist indoctrination, and he named my program. Then it was on the local Facebook page, and someone put my name in the comments and said I should be run out of town. I didn't sleep for two nights. I was scared to go to Woolies. I posted in the CoP Basecamp at eleven at night and by the morning there were eight replies."),
        ("S", "I remember that. I'm so sorry you went through it."),
        ("B", "What helped was that people didn't just say, oh, that's awful. They sent me the practice guide on responding to backlash, they told me to screenshot everything, and Fiona rang me and we worked out what to tell my manager. I felt held. For the first time in that job, I felt held."),
        ("F", "That's what we do."),
        ("M", "I get pushback every week, honestly. What's this got to do with football. You're going to ruin the game. The president of one club told me at their AGM I was pushing an agenda. Before the CoP I'd have backed down. This year I said, yeah mate, the agenda is that women keep playing at your club. He didn't have much to say after that."),
        ("H", "Good on you."),
        ("R", "For me the backlash is quieter. It's leadership. My executive says prevention is important in the strategic plan, and then every year they cut the hours. It's a slow death by budget. The CoP helped me stop taking it personally and start documenting it, and framing my reports in the language of their own strategic plan."),
        ("S", "That's a really useful strategy. How about wellbeing? Did the CoP make a difference to how you're going?"),
        ("F", "For me, I'm a one-woman show at the house. I'm the manager, the cleaner, the prevention person, the person who fixes the printer. The CoP was the one time a month when someone was looking after me instead of me looking after everyone. Sue always started with a check-in, and actually waited for the answer."),
        ("L", "The check-ins were good. I'm not one for talking about feelings much, but by the end I was."),
        ("H", "I got burnt out in the middle of the year, around July. The group noticed I'd gone quiet. I want to be honest that I nearly left the sector. I'm still here, and that's partly because of this group."),
        ("S", "Thank you for saying that, Hope. Let's talk about the format. Online, monthly, ninety minutes. How did it work for you?"),
        ("M", "Online's the only way it works for us. I'd never drive to Melbourne for a meeting. Five hours each way."),
        ("B", "The internet's the issue. I dropped out twice in every session. Maybe have a dial-in option."),
        ("F", "I'd like one face-to-face, though. Maybe in Bendigo, it's halfway for most of us."),
        ("R", "I'd come to Bendigo."),
        ("S", "Noted. Was there anything in the CoP you found hard, or that didn't work?"),
        ("R", "Sometimes the examples were very metro. Like, ring your local women's health service. Our local women's health service covers an area the size of a small country."),
        ("B", "Ha, yes."),
        ("H", "I'd also say the readings were a bit academic sometimes. I'm not a uni person."),
        ("S", "Fair. Before we finish, a facilitator reflection from me. I've been facilitating regional groups for a while, and this one had its own character. You were so practical. Every session ended with someone saying, right, I'm going to try that on Monday. What I'd do differently is build in more time for the yarning Aunty Lorraine talked about, and less structured input from me. I think the best sessions were the ones where I threw my plan out."),
        ("L", "You did good, Sue."),
        ("S", "Thanks, Aunty. Okay, logistics: the final survey goes out next week. If you need to get hold of me, I'm on 0491 570 158 or sue.mitchell@pvpeak.org.au. Drive safe, those of you who are in cars."),
        ("F", "Will do. Bye everyone."),
        ("R", "Thanks all."),
    ],
)

# ---------------------------------------------------------------------------
# Transcript 4: Prevention leaders 2024 focus group, Otter TXT
# ---------------------------------------------------------------------------
LEADERS_OTTER = _turns(
    {"J": "Joanne Papadopoulos", "M": "Michelle Osei", "A": "Andrew Kowalski", "F": "Faith Mwangi",
     "S": "Sarah Goldberg", "H": "Helen Tsang", "X": "Speaker 6"},
    [
        ("J", "Okay, I think Otter's running. Can everyone see the little recording dot? Great. Welcome, everyone, to the Prevention Leaders focus group. Thanks for squeezing this into what I know are ridiculous diaries."),
        ("M", "Happy to. I moved two things for this, so it had better be good."),
        ("J", "No pressure, then! So the purpose today is to hear how the CoP went for you as leaders, what you took back into your organisations, and what we should change for next year. It's recorded, the transcript is confidential to the evaluation team, and nothing will be attributed. Sound okay?"),
        ("A", "Yep."),
        ("H", "Fine by me."),
        ("J", "Let's start with the big one. What has been the value of a leaders' CoP, as opposed to the other networks you're part of?"),
        ("S", "I'll start. Every other network I'm in is about representing my organisation. I go, I say the good news, I leave. This was the first one where I could say, here's where we're failing, to other CEOs and senior people. Leadership is lonely in this sector. You're holding your staff's trauma and the funding uncertainty and the board, and there's nowhere to put it. This gave me somewhere to put it."),
        ("M", "Yes. And I'd add that the peer learning was at a different level. When Andrew walked us through how his council got gender impact assessments into every report to council, I took that framework straight back to my board. We've now adopted something very similar."),
        ("A", "Glad it travelled. To be fair, I stole half of it from Helen."),
        ("H", "It's all stolen, that's how it works. That's the whole point of a CoP."),
        ("F", "For me the value was being challenged. In my organisation I'm the most senior person, so nobody challenges me. In the CoP, Michelle asked me in session two why our prevention team was all white women when forty percent of our community was born overseas. I was quite defensive at the time. I've thought about it every week since. We've changed how we recruit."),
        ("J", "Thank you, Faith, that's a generous thing to share."),
        ("F", "It wasn't comfortable. But it was right."),
        ("J", "Can we talk about backlash at an organisational level? How is it showing up for you as leaders?"),
        ("A", "Oh, where do I start. We had a councillor move a motion to take the word gender out of our prevention plan. It didn't get up, but the debate was livestreamed and the comments on council's socials were, yeah. My team read every one of them. I had two staff on stress leave afterwards. The CoP helped me think through how to protect staff during something like that, not just how to manage the politics."),
        ("M", "We got hit with a coordinated email campaign after our International Women's Day post. Three hundred emails in a weekend, all the same template. Men's rights stuff. Our comms officer was in tears. What I took from the CoP was that backlash is evidence the work is landing. Which is cold comfort, but it reframes it for staff."),
        ("S", "At a university it's more denial. We don't have a problem here, we have policies. The backlash is polite. It's committee papers that never make it onto the agenda. I think that's harder in some ways, because there's nothing to point to."),
        ("H", "And inaction is a form of backlash. We forget that."),
        ("J", "Yes, that was a big theme in session five. Let's talk about you as leaders. Has the CoP changed how you lead?"),
        ("H", "I've become more comfortable with not knowing. I used to think a leader had to have the answer. In the group I watched people I respect say, I don't know, what do you reckon, and it made me braver in my own leadership team."),
        ("M", "I've started doing reflective practice with my managers. Just fifteen minutes at the start of our meeting, one question: what did you notice this week about power. It's been surprisingly powerful, excuse the pun."),
        ("X", "Sorry, sorry, I'm so late, I was stuck in another meeting. Hi everyone. Is it okay if I just listen for a bit?"),
        ("J", "Of course, welcome Nikki. We're talking about how the CoP has changed how people lead."),
        ("A", "For me it's courage. I'm a middle-aged bloke in a council, and honestly, the CoP was where I learned to use my privilege deliberately. When I say gender equality matters in a room full of engineers, it lands differently than when my female staff say it. That's unfair, but it's true, and I may as well use it."),
        ("S", "I appreciate you saying that, Andrew."),
        ("J", "Let's talk about wellbeing. Leaders don't often talk about their own."),
        ("S", "I'll be honest. I've been close to burnt out most of this year. Funding cycles, a restructure, two staff disclosing their own experiences of violence. The CoP was the only meeting where I didn't have to be on. I could just be tired. I found that incredibly restorative."),
        ("F", "I learned to take my annual leave. Literally. Helen told me I was modelling overwork to my whole team, and she was right."),
        ("H", "I was projecting. I'm terrible at it too."),
        ("J", "Can I just check, Michelle, you froze for a second there, are you back?"),
        ("M", "I'm back, sorry, the building wifi is a disgrace."),
        ("J", "What would make the CoP better next year?"),
        ("M", "Fewer sessions, but longer. Leaders can't do ninety minutes monthly. A half day every quarter would be more realistic."),
        ("A", "I'd like more structured peer mentoring between sessions. Pair people up."),
        ("S", "Some way of bringing the learning to our boards. Maybe a briefing pack we can use."),
        ("F", "More diversity among the leaders in the room. We were mostly the same kind of people, and that says something about who gets to lead in this sector."),
        ("X", "From the little I've seen, more flexible attendance. I missed half of them because of clashes."),
        ("J", "All really useful. My reflection, as facilitator, is that this group taught me something about leadership itself. I came in thinking I'd be facilitating strategy. What you needed was a place to be human first and strategic second. Once I stopped filling the agenda with content and gave you time to actually talk, the strategy came anyway. Thank you for trusting me with that."),
        ("M", "Thank you, Jo. It's been the best professional development I've done in years."),
        ("J", "Okay, you'll get a short survey next week. If anyone wants a copy of the board briefing template Andrew mentioned, email me at jo.papadopoulos@pvpeak.org.au or call the office on (03) 5550 1234. Thanks all, go and have some lunch."),
    ],
)

# ---------------------------------------------------------------------------
# Transcript 5: Mid-Senior 2021-2022 interview, plain TXT with Interviewer/Participant
# (a turn may run over several paragraphs; only the first carries the label)
# ---------------------------------------------------------------------------
MIDSENIOR_INTERVIEW_HEADER = "Mid-Senior CoP evaluation - interview 3 (phone), 17 June 2022"
MIDSENIOR_INTERVIEW = _turns(
    {"I": "Interviewer", "P": "Participant"},
    [
        ("I", "Thanks for making time, Rachel. Just to confirm, you're okay for me to record this?"),
        ("P", "Yes, that's fine."),
        ("I", "And you've signed the consent form, including being quoted anonymously?"),
        ("P", "I did, yes. Just don't use my name or my organisation."),
        ("I", "Of course. So to start, can you tell me a bit about your role and how you came to the Mid-Senior CoP?"),
        ("P", "Sure. I've been in the sector about twelve years. I started in response, in a refuge, and moved into prevention maybe six years ago. I'm now the senior prevention coordinator at Eastern Ranges Women's Health, so I manage a team of four, I sit on the regional Partners in Prevention network, and I do a lot of the strategy.\n\nI joined the CoP because I'd hit that middle point where you're too senior for the beginner stuff and not senior enough to be in the leaders' room, and you're kind of nowhere."),
        ("I", "That's interesting, that nowhere feeling. Can you say more?"),
        ("P", "Yeah. Mid-career in this sector is a strange place. You're managing people, so you're holding their stuff, and you're also still doing a lot of the direct work, and there's no one above you who really knows the prevention side. My manager is a lovely person but she came from corporate services. So I was supervising myself, really. The CoP filled that gap. It was like supervision, but from people who actually understood what I was doing."),
        ("I", "What did a typical session look like, from your point of view?"),
        ("P", "Check-in, a bit of input, usually a provocation rather than a lecture, and then a lot of discussion. We did some case consultations, which were the best bit. And sometimes Leanne, the facilitator, would just ask what's keeping you up at night, and we'd go from there."),
        ("I", "What was most valuable about it?"),
        ("P", "The reflective space. I know everybody says that, but it's true. In my job I'm constantly producing. Reports, plans, acquittals. The CoP was the only place where the question was why, not what's next.\n\nI remember one session we talked about our own upbringing and how it shaped our ideas about gender, and I realised a lot of my approach to conflict at work comes from growing up with a father who shouted. Not violent, but loud. I'd never connected that to why I avoid hard conversations with my team. That was a big moment."),
        ("I", "Thank you for sharing that. How did it change your practice?"),
        ("P", "I started having the hard conversations. Specifically, I had a team member who was burning out and I'd been avoiding it for months. After that session I sat down with her and we redesigned her role. She's still with us. I don't think she would be otherwise."),
        ("I", "Did the CoP touch on backlash or resistance at all?"),
        ("P", "A lot. 2021 was a big year for it. There was the whole not-all-men wave after the marches, and we had a local school pull out of a program because a parent group started an online petition. Someone found my work email and I got a few nasty ones. I brought that to the CoP and what I got was solidarity and strategy in the same conversation. People had been through it. One woman had a whole protocol her organisation used, and she just emailed it to me afterwards."),
        ("I", "Did you feel safe in the group to share things like that?"),
        ("P", "Mostly. It took a few sessions. There was one person early on who was a bit, I suppose, evangelical, quite judgemental about people who weren't doing it right, and that made it harder to be honest. Leanne handled it well. She revisited the group agreement in session three without making it about that person. After that it was much better."),
        ("I", "What about connections with others? Have those continued?"),
        ("P", "Yes. There are three of us who still meet every couple of months. One is in Geelong and one is in Dandenong, so we mostly do it online. I've referred people to each other. I'd say the network is probably the most lasting thing."),
        ("I", "Was there anything that didn't work for you?"),
        ("P", "The online fatigue was real. It was lockdown, so everything was on Zoom, and sometimes I'd come to the CoP after seven hours of Zoom and just have nothing left. That's not the CoP's fault. But if it runs again I'd say some sessions in person, or even a walk-and-talk format.\n\nAnd it ended too abruptly. We had our last session and that was it. I'd have loved some kind of alumni thing, or a check-in six months later. The group had built something and it just stopped."),
        ("I", "That's really useful. If you had to describe the CoP in one sentence to a colleague, what would you say?"),
        ("P", "I'd say it's the place you go to remember why you got into this work, with people who won't let you give up on it."),
        ("I", "That's lovely. Is there anything else you'd like to add?"),
        ("P", "Just that they should keep funding it. And pay the facilitators properly, because good facilitation is the whole thing. With a bad facilitator it's just another meeting."),
        ("I", "Thanks so much, Rachel. I'll send you the transcript to check. If you think of anything else, my number is 0491 570 159."),
        ("P", "Great, thanks. Bye."),
    ],
)

# ---------------------------------------------------------------------------
# Transcript 6: Working With Children and Young People 2018-2019, plain TXT "Name:" labels
# (typed up from an in-person recording; first names only)
# ---------------------------------------------------------------------------
WCYP_NOTES_HEADER = (
    "Working With Children and Young People CoP - end of year focus group\n"
    "3 December 2018, in person. Transcribed from the audio recording; [inaudible] where unclear."
)
WCYP_NOTES = _turns(
    {"R": "Ros", "E": "Ellie", "M": "Marcus", "T": "Tahlia", "D": "Deb", "Y": "Yusuf"},
    [
        ("R", "Okay, shall we start? Thanks everyone for coming in today, and thanks Yusuf for organising the room. Is the recorder on? Yes, red light. So this is our end of year focus group for the Working With Children and Young People CoP. I'll ask a few questions, and there are no right answers."),
        ("Y", "No problem. There's tea and coffee at the back, and the biscuits are the good ones."),
        ("E", "Priorities."),
        ("R", "[laughs] So, first up. This was the first year of the CoP. What made you sign up, and has it been what you expected?"),
        ("M", "I signed up because I was desperate, honestly. I run groups with teenage boys at Northside Youth Services in Preston and I kept hitting a wall. I'd do a session on respect and they'd nod along and then say the most horrible stuff about girls on the way out the door. I needed people to think with. It's been more than I expected. I thought it'd be a training. It's more like a workshop where we're the material."),
        ("T", "I'm a maternal and child health nurse, so I'm a bit of an odd one out, most of you work with older kids. I signed up because I see the start of it. I see how dads talk to mums in the first weeks. I wanted to know what prevention looks like at that age, for babies basically. And yes, it's been what I expected, and more."),
        ("E", "I'm in early childhood, kinder in Geelong. For me it was the gender stereotypes stuff. Three-year-olds already telling each other pink is for girls. I wanted strategies. I got strategies, but I also got a bunch of people I now text when something weird happens at kinder."),
        ("D", "School nurse. I came because my principal sent me, to be honest. I wasn't sure about it at the start."),
        ("R", "And now?"),
        ("D", "Now I'm the one telling the principal we need to do more. So that's a turnaround."),
        ("Y", "I work with young people from refugee backgrounds, mostly the Somali and Afghan communities in Dandenong. The mainstream prevention stuff doesn't always fit. I came to find out if there was a place for our community in this, and to push a bit. I think there is a place, but we have to make it ourselves."),
        ("R", "Thank you. Let's go deeper on that, Yusuf. What has it been like bringing that perspective into the group?"),
        ("Y", "Mixed, honestly. Some sessions I felt like the only one who had to translate everything into a different world. The examples were all about Aussie families. But people listened when I pushed. Ellie and I had a long conversation about how kinder teachers could talk to Somali dads, and she actually changed her parent night. So it goes both ways."),
        ("E", "It totally changed how I think about engaging families. I'd been assuming families would come to us."),
        ("M", "Yeah."),
        ("R", "What has been most useful for your practice?"),
        ("T", "The practice scenarios. We did one in session three about a dad who wouldn't let the mum speak during the home visit, and I realised I'd been directing my questions to him because he was the one answering. Now I make a point of speaking to mum directly, alone if I can. Last month, because of that, a mum told me at a four-month check that her partner had taken her car keys and her phone so she couldn't leave the house. I got her linked in that day."),
        ("R", "Thank you, Tahlia. That's a powerful example, and we'll handle it carefully in the notes."),
        ("M", "For me, the scripts. Having words ready. When a fourteen-year-old says women lie about that stuff all the time, you've got about three seconds to respond in a way that doesn't shut him down but doesn't let it slide. We practised that. Role plays, which I normally hate. But they worked."),
        ("D", "[laughs] The role plays were terrifying."),
        ("M", "They were! But that's the point."),
        ("R", "Has anyone run into pushback in the work this year?"),
        ("D", "Yes. A group of parents at my school complained about the Respectful Relationships lessons. They said it was teaching kids that all boys are bad. The principal wobbled. What the CoP gave me was the language to explain it isn't that at all, it's about everyone. I took the fact sheet Ros shared and I sat with the principal for an hour."),
        ("E", "I had a dad tell me I was confusing his son by letting him play in the home corner. He said, and I quote, you're going to turn him soft. I just smiled and said we let all the kids play everything. But I went home and cried, honestly. It was good to bring it here."),
        ("M", "I get called a simp by the boys about twice a session. It's fine. Water off a duck's back now, mostly."),
        ("R", "And has the group helped with your own wellbeing at all?"),
        ("E", "It's just nice to be with grown-ups who care about the same things. My colleagues at kinder are wonderful but they don't really think about this stuff. Here I feel like I'm part of a movement, not just the weird teacher who cares too much about the home corner."),
        ("T", "I'd say the debriefing. Maternal and child health can be quite isolating. You're in a room with a family, then another family, then another. Nobody sees what you see. The CoP was a place to put some of it down."),
        ("D", "Agree. I'm the only health professional at my school in Warrnambool. There's nobody to debrief with. I'd drive home carrying everything."),
        ("Y", "Mm. [inaudible] the same for us."),
        ("R", "What could we improve for next year?"),
        ("M", "More meetings. Monthly isn't enough. Or a way to talk in between."),
        ("Y", "More diverse speakers. And maybe hold one session in Dandenong, so people can see where we work."),
        ("E", "Earlier finish. I had to leave early twice because of pickup."),
        ("T", "A handout at the end of each session with the key points. My brain is full by the end."),
        ("D", "I don't know. It was pretty good, honestly. Maybe parking."),
        ("R", "[laughs] Noted, parking. Okay, as the facilitator I'll add one reflection. In this first year I was quite nervous about mixing such different roles, from babies to late teenagers. I worried it would be too broad. What I saw instead was that the differences were the richest part. Tahlia's stories about new dads helped Marcus with his teenage boys, and the other way around. I'd keep the mix. Thank you all for being so open."),
        ("M", "Thanks Ros. Good year."),
        ("R", "My email is ros.ferreira@pvpeak.org.au if anything else comes up. Take some biscuits for the road."),
    ],
)

# ---------------------------------------------------------------------------
# Transcript 7: Tertiary settings 2024-2025 focus group, Teams VTT without cue ids
# ---------------------------------------------------------------------------
TERTIARY_TEAMS = _turns(
    {"C": "Claire Donnelly", "S": "Sam Okafor", "M": "Mei Lin Chen", "L": "Liv Brooks", "B": "Ben Hadley"},
    [
        ("C", "Hi all, thanks for jumping on. I've hit record. Can you all see the transcription banner?"),
        ("S", "Yep, I see it."),
        ("B", "Yep."),
        ("C", "Great. This is the focus group for the Tertiary Settings CoP, the 2024-2025 series. We'll go for about forty minutes and nothing will be attributed to you. Let's go straight in: what did the CoP give you that you weren't getting elsewhere?"),
        ("M", "A peer group, basically. At my university the prevention work sits in a tiny team in student wellbeing, and I'm the only one working on consent education across three campuses. In the CoP there were people from TAFEs, from other unis, from a residential college. I learned more from them in six sessions than in two years of internal committees."),
        ("S", "I'd say the same. And the honesty about institutions. Universities are very good at producing strategies. They are less good at changing what happens at a party in the residential colleges on a Thursday night. The CoP was the one room where we could talk about that gap without someone from marketing in the corner."),
        ("L", "Ha. Yes. For me it was practical. I'm at a regional TAFE and our students are mostly apprentices, eighteen-year-old boys on building sites. The uni material doesn't translate. Ben and I workshopped a toolbox-talk version of a consent session that I've now run with about two hundred apprentices."),
        ("B", "Which I'm still a bit proud of, I'll admit. Toolbox talks about respect, who'd have thought."),
        ("C", "Ben, do you want to say more about your experience?"),
        ("B", "Sure. I'm a trades teacher, so I came in thinking this would be all academics and I'd be out of my depth. It wasn't. Honestly, I was the only bloke in most sessions, and I expected to be made to feel like the problem. I wasn't. I was treated as part of the solution, and that's made me much more willing to speak up on site when the jokes start."),
        ("C", "Thank you. Let's talk about backlash. What has that looked like on campus this year?"),
        ("M", "Online, mostly. We ran a consent campaign in O-Week and the posters got screenshotted and posted on the uni subreddit with some really nasty commentary. A few people found my staff profile and emailed me directly. One of them said I should be re-educated. I felt sick. In the CoP, Sam walked me through how his team handles it, including getting IT to filter the worst of it."),
        ("S", "It's unfortunately predictable. Every campaign gets a wave. What I try to tell new staff, and what I learned properly in the CoP, is to decide your response before the campaign launches, not after. If anyone wants our response protocol, I'm on (03) 7010 4512, or just find me on the staff directory."),
        ("L", "At TAFE it's more in person. A student stood up in a session and said this was feminist propaganda. I used one of the techniques from the CoP: I thanked him for being honest and asked what he thought the statistics meant. By the end of the session he was actually engaged. Not converted, but engaged."),
        ("C", "That's a great example of what we talked about, staying curious. How about wellbeing? How are you all going?"),
        ("M", "I'll be honest, I have ADHD and the admin load of this job is crushing. The CoP helped me not by reducing the load but by reminding me why I'm doing it. And also, practically, someone shared their project tracking template and it's changed my life a bit."),
        ("S", "I'd say I left most sessions lighter. There's a particular kind of tiredness that comes from being the person in an institution who keeps raising the uncomfortable thing. In the CoP, everyone was that person. That's rest, in a way."),
        ("L", "Yeah. Everyone was that person. That's it exactly."),
        ("C", "What could be improved?"),
        ("B", "More trade and vocational stuff. I know it's a tertiary group, but it leaned uni."),
        ("M", "I'd like a shared drive that actually stays organised. We kept losing resources between sessions."),
        ("S", "Maybe invite some students to one session. We talk about them a lot. It'd be good to hear from them."),
        ("L", "I'd say the same. Student voice."),
        ("C", "Lovely. A quick facilitator reflection from me. I came into this group worried that the university people and the TAFE people would talk past each other. Instead, some of the best moments came exactly when they didn't, like Ben and Liv's toolbox talk. My learning is to create deliberate pairings across sectors earlier in the series. Thank you. The survey is coming out on Friday. Catch you all."),
        ("S", "Thanks Claire."),
        ("M", "Thanks everyone!"),
    ],
)

# ---------------------------------------------------------------------------
# Survey 1: Early career 2023-2024 end-of-series survey, Qualtrics CSV (UTF-8 with BOM)
# one tuple per respondent: (most valuable, could be improved, change in practice,
# other comments, quote consent); "" = left blank
# ---------------------------------------------------------------------------
EARLY_QUALTRICS = [
    ("Connecting with other early career practitioners who are going through the same thing. Knowing I'm not the only one who feels out of my depth sometimes.", "More time in small groups", "I now ask my manager for feedback after every community session instead of waiting for my annual review.", "", "Yes"),
    ("The facilitator. Nadia created such a safe space, I felt I could ask the 'dumb' questions.", "Sessions at a different time - 2pm is hard when you're out doing community work.", "I'm much more confident explaining the gendered drivers of violence to people who push back.", "Thank you!!", "Yes"),
    ("Hearing how others handled backlash. I'd had a really rough experience with a community member who said I was pushing a feminist agenda and the CoP helped me see it wasn't about me.", "N/A", "I document incidents of backlash now and debrief them with my team leader.", "", "Yes"),
    ("networking", "more sessions", "", "", ""),
    ("Honestly the friendships. I came out of it with three people I message every week. In a job where I'm the only prevention person at my organisation that's been huge.", "Maybe a WhatsApp group to keep in touch between sessions?", "I reach out to others before I start a new project now, instead of reinventing the wheel.", "Please run it again next year, I'd join the mid-career one when I'm ready.", "Yes"),
    ("The guest speakers, especially the session on Change the Story and the evidence behind it. I finally understood the framework properly.", "Sometimes the discussion went off track and we didn't finish the activity.", "I've used the framework in two funding applications since.", "", "No"),
    ("I walked in every month feeling like an imposter and walked out feeling like a practitioner. That shift is the most valuable thing I got this year.", "Nothing really, it was great", "I put my hand up to lead our 16 Days of Activism planning, which I would never have done 12 months ago.", "", "Yes"),
    ("Resource sharing", "Slides sent before the session", "Using the scenario cards with my youth groups", "", "Yes"),
    ("Being able to talk about the emotional side of the work. In my team no one really talks about how heavy it can be to hear about violence all day, even in prevention.", "Some sessions felt rushed", "I've started protecting half an hour after hard meetings to reset. Sounds small but it's helped.", "", "Yes"),
    ("Learning from people in different settings - councils, schools, sports clubs, health. It opened my eyes to how many places prevention can happen.", "Mix the breakout rooms up more so we meet more people", "", "", "Yes"),
    ("The safe space. I could say I didnt agree with something and no one jumped down my throat", "More practical tools less theory", "I question my own assumptions more, especially around culture and gender.", "", "No"),
    ("Reflection activities", "N/A", "N/A", "N/A", "Yes"),
    ("Being reminded why I chose this work. Some weeks I honestly wondered if I was in the right job and the CoP pulled me back.", "A longer series! 6 sessions went so fast.", "I've started keeping a reflective journal after community sessions.", "", "Yes"),
    ("Hearing real stories from practitioners about what went wrong, not just the polished case studies you get at conferences.", "", "", "", ""),
    ("Confidence.", "Better Zoom etiquette - cameras on please!", "More confident facilitating groups", "", "Yes"),
    ("As a 23 year old in a team where everyone else is over 45, it was so validating to be in a group of people at my stage. I felt like I could grow up professionally alongside them.", "Maybe pair us up with a mentor from the senior CoP", "I speak up in team meetings now.", "", "Yes"),
    ("The case consults, bringing a real problem and having 10 brains on it", "Make the case consult structure available so we can use it in our own teams", "I ran a case consult with my own team using the CoP format and it went really well.", "", "Yes"),
    ("- connecting with others\n- resources\n- learning about backlash and how to respond", "- time of day\n- length of sessions", "- more confident\n- better at saying no", "", "Yes"),
    ("It gave me language. I'm not from a social work background, I came from marketing, and the CoP gave me the words to explain what I do to my family and friends and to the people in my community.", "An intro session on the key frameworks for people like me who didn't study this", "I rewrote our program's comms to focus on the drivers of violence rather than just the stats.", "I loved it. Thanks Nadia and team.", "Yes"),
    ("being with like minded people", "", "", "", "No"),
    ("The honesty of the group about how hard it is to work in prevention when your organisation doesnt really back you. I thought my workplace was uniquely bad but it isn't.", "Invite managers to one session so they understand what we do", "I found a way to frame prevention in my org's own strategic plan language and got more support.", "", "Yes"),
    ("Nadia's check ins at the start", "Nothing", "", "", "Yes"),
    ("Learning about intersectionality in a practical way, especially from the guest speaker from the disability advocacy organisation.", "More First Nations voices please", "I now ask 'who is missing from this room' when I plan consultations.", "", "Yes"),
    ("The solidarity. Knowing there is a whole group of us out there fighting for the same thing even when it feels like no one in my town cares.", "Face to face catch up at least once", "", "Keep it going, it matters more than you know.", "Yes"),
    ("N/A", "N/A", "", "", ""),
    ("Peer support and the resources page on Basecamp", "Basecamp was confusing, maybe just use Teams or email", "", "", "Yes"),
    ("I liked that it wasnt just another webinar, we actually got to talk to each other", "less guest speakers more discussion", "I've started asking more open questions in my groups", "", "Yes"),
    ("Having somewhere to bring the tricky stuff. A school principal basically refused to let me run the session I was contracted for, and the group helped me work out how to go back to him.", "The sessions clashed with school holidays twice", "I've got a much better approach to negotiating with schools now - start with their priorities.", "", "Yes"),
    ("Time to reflect. I never get that in my job.", "More of it", "", "", "Yes"),
    ("Meeting people from regional Victoria. I'm in Warrnambool and it's rare to connect with people outside Melbourne in my field.", "Include more regional examples", "I've set up a small local network with two other workers in the south west.", "", "Yes"),
    ("The facilitation was excellent - gentle but structured, and she made sure the quieter people got a go.", "Longer sessions (2 hours?)", "I'm using some of the facilitation techniques in my own community workshops now.", "", "Yes"),
    ("Feeling part of something bigger", "", "I'm less anxious about getting things wrong", "", "No"),
    ("Learning I don't have to be an expert on everything. It's ok to say I don't know and go and find out.", "Have a reading list for people who want more", "I've stopped over-preparing for every meeting and I trust myself more.", "", "Yes"),
    ("the session on looking after ourselves was really needed, I was very close to burnout at the time", "more on self care and vicarious trauma", "I said no to an extra project for the first time", "", "Yes"),
    ("Sharing resources and templates. Saved me hours.", "A shared folder that's easier to search", "I use the evaluation template from session 5 for all my projects now.", "", "Yes"),
    ("It was really good", "", "", "", ""),
    ("The people in the group were so generous with their knowledge. Someone shared their whole workshop plan with me after I mentioned I was stuck.", "Honestly I can't think of anything", "I ran my first respectful relationships workshop for a sporting club using the plan I was given.", "", "Yes"),
    ("I'm the only person in my org who works on prevention. Having this group meant I had colleagues for the first time. It made the job feel less lonely.", "More frequent catch ups", "I have people to bounce ideas off now so I take more risks in my work.", "", "Yes"),
    ("Understanding backlash as something predictable rather than a sign I was doing it wrong. That reframe has been massive for my mental health.", "Maybe a module on media and online abuse", "I have a plan now for when the comments on our posts get nasty.", "Our council's Facebook page gets hammered every time we post about gender equality. It's good to know that's normal and not my fault.", "Yes"),
    ("Its a nice group", "Zoom fatigue is real, hybrid option?", "", "", "No"),
    ("Being pushed to think about my own privilege as a white, middle class practitioner going into communities that aren't mine.", "Could have gone deeper on this", "I co-design with community now rather than arriving with a finished program.", "", "Yes"),
    ("The mix of theory and real life", "N/A", "More reflective", "", "Yes"),
    ("Being able to ask questions I was too embarrassed to ask at work", "Recordings of the input sessions", "I understand the difference between primary prevention and early intervention and I can explain it to my board.", "", "Yes"),
    ("How welcoming everyone was. I joined halfway through when someone dropped out and I still felt completely included.", "Orientation pack for late joiners", "", "", "Yes"),
    ("Learning from others mistakes lol", "nothing", "", "", ""),
    ("The CoP made me feel like prevention work is a real career and not just a contract that might end in June.", "Career pathways session - where do people go next?", "I've started planning my professional development instead of just taking whatever comes up.", "", "Yes"),
    ("Having a space to debrief about the hard days", "", "", "", "Yes"),
    ("Speaking with people from the LGBTIQ+ sector and learning how to make my work more inclusive", "More diversity of guest speakers", "I changed the language in all my workshop materials to be gender inclusive.", "", "Yes"),
    ("Connections with other practitioners - I now have a list of people I can call when I need advice on something specific", "More structured networking time", "", "", "Yes"),
    ("the honesty and warmth of the group", "no suggestions", "", "", "No"),
    ("I appreciated the focus on evidence. With my research background I sometimes feel prevention is all vibes, but the CoP showed me how practitioners actually use evidence in the real world.", "More on evaluation methods please", "I've started designing my programs with evaluation built in from the start.", "", "Yes"),
    ("Validation that the work is hard and that I'm doing ok", "Not sure", "I back myself more.", "", "Yes"),
    ("Nadia and the group created a place where you could fall apart a little bit and then be put back together.", "Can't think of anything", "", "", "Yes"),
    ("Good to meet others", "Too many sessions in term 4", "", "", ""),
    ("The discussion about working with men and boys. I've been nervous about that and the group gave me practical ideas.", "A whole session on engaging men", "I've started a conversation with the local men's shed about a respect program.", "", "Yes"),
    ("Feeling less isolated. I work from home for a state-wide org and barely see my team.", "In person", "I schedule regular calls with two people I met through the CoP.", "", "Yes"),
    ("The reflective practice model we used. I've adopted it for my own supervision sessions.", "", "I use the model in supervision every fortnight.", "", "Yes"),
    ("learning", "", "", "", ""),
    ("The CoP showed me there's a community of people who care about this as much as I do. I'd been feeling really cynical and it gave me hope again.", "More sessions please!", "I'm more hopeful, which I think shows in my work.", "", "Yes"),
    ("Getting to practise difficult conversations in a low-stakes setting", "More role play", "I handled a hostile question in a community forum calmly, which I couldn't have done before.", "", "Yes"),
    ("Sharing what works and what doesn't. So much time is wasted in this sector doing things that don't work.", "A summary of key learnings at the end of each session", "", "", "Yes"),
    ("I felt heard", "", "", "", "No"),
    ("Learning about the whole of community approach and how my little project fits into it.", "", "I connected my project with the local Partners in Prevention network.", "", "Yes"),
    ("Everything. Best PD I've done.", "", "", "Thank you so much to the team who organised this.", "Yes"),
    ("Being able to share the backlash I get from my own family. My dad thinks I'm 'anti-men' because of my job. It was a relief to hear others get the same thing at Christmas.", "N/A", "I'm gentler and clearer when I talk about my work with people who disagree.", "", "Yes"),
    ("The resource bank and the guest speakers", "Reduce the pre-reading", "", "", "Yes"),
    ("Connecting with people in similar roles across Victoria. I've already collaborated with two of them on a joint project.", "Could be longer", "I've co-facilitated a workshop with someone from another council.", "", "Yes"),
    ("Having a regular reminder to stop and reflect", "More flexible times", "", "", ""),
    ("The chance to learn from mistakes without judgement. I shared a session that went really badly and instead of critique I got curiosity and ideas.", "More time", "I'm less of a perfectionist about my sessions.", "", "Yes"),
    ("Honestly just having an hour a month for me", "", "", "", "Yes"),
    ("Learning about safe and ethical ways to involve victim-survivors in prevention work", "More on trauma-informed practice", "I've updated our consultation process to be more trauma-informed.", "", "Yes"),
    ("It gave me the courage to challenge a senior colleague who made a sexist 'joke' in a meeting. I'd practised what I'd say in the CoP and when it happened I actually said it.", "", "I call out sexist comments at work now, calmly.", "This CoP changed how I work. Please keep funding it.", "No"),
]

# ---------------------------------------------------------------------------
# Survey 2: RRE 2022-2023 end-of-series survey, SurveyMonkey CSV saved as Windows-1252
# (most valuable, could be improved, other comments, quote consent)
# ---------------------------------------------------------------------------
RRE_SURVEYMONKEY = [
    ("Connecting with other teachers who are implementing RRE. At my school I’m the only one who really champions it.", "More time to plan together", "", "Yes"),
    ("The practical resources – lesson plans, scenario cards and the parent FAQ.", "Sessions straight after the bell at 3:30 are hard, 4:30 would be better", "Thanks to the facilitators!", "Yes"),
    ("Hearing how other schools handled parent complaints. We had a parent accuse us of “indoctrinating” their son and I didn’t know what to do. The CoP gave me a script and a plan.", "Maybe invite principals to one session", "", "Yes"),
    ("Collegiality", "Nil", "", ""),
    ("The whole-school approach explained in a way that made sense for a small primary school.", "More primary school examples – it felt secondary-heavy", "", "Yes"),
    ("Having time away from school to actually think about what I’m teaching and why. Usually I’m just trying to get through the content.", "N/A", "", "Yes"),
    ("Learning from schools that are further along. It was encouraging to see where we could be in two years.", "", "", "No"),
    ("Every month I’d arrive frazzled from yard duty and leave feeling like a teacher again, not just a crowd controller.", "Catering? Haha", "Best PD of my career.", "Yes"),
    ("Support from others when our RRE program was criticised on the local Facebook page. Some of the comments were really personal and it shook me.", "Guidance for schools on dealing with online abuse", "", "Yes"),
    ("networking with other schools in our area", "", "", "Yes"),
    ("The facilitator was great – knowledgeable and really calm when conversations got heated.", "Fewer readings", "", "Yes"),
    ("I appreciated learning about the evidence base. When staff question why we do RRE I can now point to the research.", "A one-page summary of the evidence to share with staff", "", "Yes"),
    ("Sharing ideas", "More sessions", "", ""),
    ("Being in a room (well, a Zoom) with people who get it. My staffroom is not always a friendly place for this work – one colleague calls it “the feminism lessons”.", "Nothing", "", "Yes"),
    ("Ideas for teaching consent to Year 9s that don’t make them cringe", "", "", "Yes"),
    ("It helped me reflect on my own biases as a teacher. I realised I was calling on boys more often in class discussions. Now I track it.", "Maybe a session on classroom management during RRE lessons", "", "Yes"),
    ("The connections I made with the women’s health service in our region. They’re now coming in to run a staff PD.", "", "Highly recommend this CoP to other schools.", "Yes"),
    ("time to talk", "none", "", "No"),
    ("Realising that leadership support is the biggest factor. I went back and had a proper conversation with my principal about time allocation.", "Include school leaders", "", "Yes"),
    ("Learning how to respond to disclosures. I was really anxious about this before.", "More about disclosures and mandatory reporting", "A student disclosed family violence at home two weeks after our session on it and I knew exactly what to do.", "Yes"),
    ("The resource sharing – I used so many of the activities other teachers shared.", "A better way to store shared resources", "", "Yes"),
    ("Camaraderie", "", "", "Yes"),
    ("The safe space to admit that some lessons had gone badly. Teaching RRE is hard and it was nice to hear other people’s disasters.", "Longer sessions", "", "Yes"),
    ("N/A", "N/A", "N/A", ""),
    ("As a first year graduate teacher I was nervous about teaching RRE. The CoP made me feel confident and prepared.", "An intro session for new teachers", "", "Yes"),
    ("Hearing about the gender stereotypes work in primary schools – I teach Year 7 and it helped me see what students arrive with.", "Mix primary and secondary in the breakout rooms more", "", "Yes"),
    ("Everything! The people, the content, the facilitator.", "Can’t think of anything", "", "Yes"),
    ("Solidarity with other teachers who are sick of being told this isn’t our job. It IS our job.", "", "Please lobby the department for time release for RRE leads.", "Yes"),
    ("Understanding resistance – why some boys react the way they do and how to work with it instead of against it.", "More on working with boys", "", "Yes"),
    ("The structure of each session – check in, input, discussion, action. It worked.", "", "", "No"),
    ("Being able to vent about the workload honestly", "Less expectation to do the pre-reading", "", "Yes"),
    ("Learning about the Respectful Relationships materials in depth and how other schools adapt them.", "More time for Q&A", "", "Yes"),
    ("I’ve been teaching for 25 years and thought I’d seen it all, but this CoP challenged my thinking about gender in ways I didn’t expect.", "", "", "Yes"),
    ("Support", "", "", ""),
    ("The parent engagement session was brilliant – I used the template letter and we had no complaints this year, compared with six last year.", "More about engaging parents from culturally diverse backgrounds", "", "Yes"),
    ("Meeting people from Catholic and independent schools as well as government schools – the challenges are similar but different.", "", "", "Yes"),
    ("Hearing that other RRE leads also feel burnt out. I thought it was just me.", "A session on looking after ourselves", "I hope this runs again.", "Yes"),
    ("Practical strategies", "More practical strategies!", "", "Yes"),
    ("Being able to bring real problems from school and get advice from people who had already solved them.", "N/A", "", "Yes"),
    ("Resources and networking", "Time of day", "", ""),
    ("The discussion about the backlash to the consent education changes. It helped to know the history and talk about how to respond calmly to parents.", "", "", "Yes"),
    ("It made me a better teacher, not just a better RRE teacher. I listen more.", "Nothing", "", "Yes"),
    ("Hmm, probably the guest speaker from the women’s health service", "The tech was a bit unreliable – we lost the facilitator twice", "", "No"),
    ("Being reminded that this matters. Some days at school it feels like shouting into the wind.", "", "", "Yes"),
    ("Strategies for whole-school change", "More sessions for leadership teams", "", "Yes"),
    ("The chance to step out of the school bubble and see the bigger picture of prevention in Victoria.", "", "", "Yes"),
    ("Having my experience validated. A male colleague told me I was “obsessed with gender” in front of the whole staff. In the CoP people understood why that stung.", "Strategies for dealing with unsupportive colleagues", "", "Yes"),
    ("good", "ok", "", ""),
    ("I loved the reflective journal activity. I’ve kept it going.", "", "", "Yes"),
    ("Sharing successes – it’s rare to celebrate in this work and the CoP made time for it.", "More celebration!", "", "Yes"),
    ("The open conversations about power and privilege", "", "", "Yes"),
    ("Learning I was not alone in being the only staff member driving RRE at my school", "Could there be a buddy system between schools?", "", "Yes"),
    ("Useful ideas for lessons", "Make it shorter", "", "No"),
    ("A mix of expert input and peer sharing. I needed both.", "", "", "Yes"),
    ("Confidence to lead staff PD", "", "I delivered my first whole-staff PD on RRE in Term 3 – terrifying but it went well!", "Yes"),
    ("Knowing who to call when I’m stuck", "", "", "Yes"),
    ("The group agreement and the way everyone stuck to it – I felt safe to say what I really thought.", "More frequent sessions", "", "Yes"),
    ("Feedback on my lesson ideas", "-", "", ""),
    ("Seeing that change is possible. One school in our group went from RRE as a tick-box to a whole-school priority in two years, and they told us exactly how.", "", "", "Yes"),
    ("Connecting with passionate people – it refuelled me.", "Run it in person at least once – maybe in a regional centre like Bendigo or Ballarat?", "Thank you!", "Yes"),
]

# ---------------------------------------------------------------------------
# Survey 3: Working With Children and Young People 2024-2025, Microsoft Forms XLSX
# (most valuable, could be improved, change in practice, other comments, quote consent)
# ---------------------------------------------------------------------------
WCYP_FORMS = [
    ("Connecting with others working with young people across different settings - MCH, kinder, youth services, schools.", "More time for networking", "I've started using gender-neutral language in my sessions with toddlers and parents.", "", "Yes"),
    ("The practical examples of how to talk to young people about respectful relationships without lecturing them.", "More sessions", "I let the young people lead the discussion more and I talk less.", "", "Yes"),
    ("Safe space to share challenges", "n/a", "", "", "Yes"),
    ("I work in out of home care and the CoP was the first prevention space I've been in that understood our kids. They've often seen violence up close, so the prevention messages have to be handled really carefully.", "More on trauma-informed prevention for kids in care", "I adapted the respectful relationships activities for our residential units.", "", "Yes"),
    ("Learning from the early childhood educators - gender stereotypes start SO young", "Include more parents' perspectives", "I challenge 'boys will be boys' comments from parents now, gently.", "", "Yes"),
    ("The facilitator was fantastic at making everyone feel included.", "", "", "", "Yes"),
    ("Getting ideas from other youth workers about engaging boys who think this stuff is a joke.", "More on social media influences on young men", "I've started a discussion group about online content with the boys at our drop-in.", "The manosphere stuff is getting worse, we need more support on this.", "Yes"),
    ("Feeling connected to a bigger movement rather than just doing my little bit in isolation.", "Nothing", "", "", "Yes"),
    ("The peer learning - hearing what worked and what didn't from people doing the same job.", "Hybrid option for people who can't make it in person", "", "", "Yes"),
    ("Having a place to debrief. Working with kids who disclose is heavy.", "A session on vicarious trauma", "I've got better boundaries around after-hours messages from young people.", "", "No"),
    ("Understanding the evidence on what works in prevention with children and young people", "", "I'm more intentional about what I do and why.", "", "Yes"),
    ("Meeting people from sports clubs. I didn't realise how much prevention work happens in junior sport.", "More cross-sector networking", "I've partnered with our local junior football club on a respect program.", "", "Yes"),
    ("N/A", "N/A", "N/A", "", ""),
    ("The reflective activities helped me see how my own childhood shapes the way I respond to young people.", "", "I'm more aware of my reactions when kids push my buttons.", "", "Yes"),
    ("I'm a youth worker in a small country town and I'm the only one doing this kind of work with teenagers for 100km. The CoP gave me colleagues.", "Travel support for regional participants for the in-person session", "", "", "Yes"),
    ("Resources", "More resources", "", "", ""),
    ("The conversations about consent education for primary-aged children - I was nervous about it and now I feel equipped.", "More on working with parents who object", "I ran a body safety and consent session for Grade 3s with confidence.", "", "Yes"),
    ("Solidarity with other workers who face pushback from parents", "", "", "", "Yes"),
    ("How calm and skilled the facilitator was when we had some really heated discussions about gender identity. Everyone felt heard.", "", "", "Thank you for a great year.", "Yes"),
    ("Honestly the best part was realising the problems at my workplace weren't unique. Every org struggles with leadership buy-in.", "Sessions for managers", "I've stopped taking the lack of support personally and started building allies instead.", "", "Yes"),
    ("Case studies", "", "", "", "Yes"),
    ("Learning how to include young people with disability in respectful relationships programs. As a disability support worker this was really important to me.", "More on disability and prevention", "I've adapted our materials into Easy English.", "", "Yes"),
    ("Hearing young people's voices - the session where the youth advisory group presented was amazing.", "More sessions with young people presenting", "I now involve young people in planning my programs.", "", "Yes"),
    ("The chance to stop and think. My job is so reactive.", "", "", "", ""),
    ("I came in exhausted and doubting myself and I'm leaving with a plan, a network and a bit of my fire back.", "", "I've put together a 12-month prevention plan for our service.", "", "Yes"),
    ("Sharing resources - I've got a folder full now", "Keep the shared folder open after the CoP ends", "", "", "Yes"),
    ("Being able to talk openly about the backlash we get from some families. A dad threatened to report me to council for 'teaching gender ideology' at playgroup.", "Support for dealing with threats", "I keep better records and I've briefed my manager.", "", "No"),
    ("good discussions", "", "", "", ""),
    ("Learning about the drivers of violence against women and how they show up in childhood - it made the whole thing make sense.", "", "I explain the link between gender stereotypes and violence to parents now.", "", "Yes"),
    ("Peer support. I'm newly qualified and it helped to hear from experienced workers.", "Mentoring", "", "", "Yes"),
    ("The balance of structure and flexibility - we had a plan but the facilitator let the group go where it needed to.", "", "", "", "Yes"),
    ("Networking", "Time", "", "", "Yes"),
    ("I loved the session on working with dads. As a maternal and child health nurse I see a lot of fathers who want to do better but don't know how.", "More on fathers", "I run a dads' group now, once a month on Saturday mornings.", "", "Yes"),
    ("The honesty of the group", "", "", "", "Yes"),
    ("Realising I had more knowledge than I gave myself credit for", "", "I've put my hand up to lead our service's prevention working group.", "", "Yes"),
    ("Learning how other services engage culturally and linguistically diverse families", "More about CALD communities", "I book interpreters for every family session now, even when people say they don't need one.", "", "Yes"),
    ("The connections", "", "", "", ""),
    ("Having a group where I could say 'I don't know how to handle this' and get real answers, not just 'refer on'.", "", "", "", "Yes"),
    ("The session on online safety and image-based abuse was so relevant. Our kids are dealing with this constantly.", "More on online safety", "I've updated our online safety session with the new content.", "", "Yes"),
    ("Support from the group when I was struggling", "", "", "It meant a lot.", "Yes"),
    ("I'm autistic and usually find group PD overwhelming. The clear structure, the agenda in advance and being allowed to keep my camera off made it possible for me to participate fully.", "Keep the accessibility stuff", "", "", "Yes"),
    ("Ideas and inspiration", "", "", "", ""),
    ("The solidarity - we're all in this together, even across very different jobs.", "More sessions!", "", "", "Yes"),
    ("Being introduced to the frameworks in a way that made sense for my work with kids", "", "", "", "Yes"),
    ("Honestly the biggest thing was feeling less alone in it", "", "", "", "Yes"),
    ("Learning from practitioners with decades of experience", "Shorter sessions", "", "", "Yes"),
    ("It gave me the confidence to push back when my manager wanted to cut our prevention hours.", "", "Our hours were kept, partly because of the case I made using CoP resources.", "", "Yes"),
    ("Being reminded why I do this work", "", "", "", "Yes"),
]


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------
FIXED_ZIP_TIME = (2025, 1, 1, 0, 0, 0)
FIXED_DOC_TIME = "2025-01-01T00:00:00Z"


def _seed(name: str) -> int:
    return int(hashlib.sha1(name.encode("utf-8")).hexdigest()[:8], 16)


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+", text.strip())
    return [p for p in parts if p]


def _caption_chunks(text: str, max_words: int, by_sentence: bool) -> list[str]:
    """Split a turn into caption-sized pieces; joining them with spaces gives the turn back."""
    pieces = _sentences(text) if by_sentence else [text]
    out: list[str] = []
    for piece in pieces:
        words = piece.split()
        n = max(1, -(-len(words) // max_words))       # number of chunks, ceil
        size = -(-len(words) // n)                     # balanced chunk size
        for i in range(0, len(words), size):
            out.append(" ".join(words[i:i + size]))
    if by_sentence:                                    # merge very short sentences into the next cue
        merged: list[str] = []
        for c in out:
            if merged and len(merged[-1].split()) < 4 and len(merged[-1].split()) + len(c.split()) <= max_words:
                merged[-1] = merged[-1] + " " + c
            else:
                merged.append(c)
        out = merged
    return out


def _vtt_time(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _clock(seconds: float) -> str:
    """Teams / Otter style offset: 0:03, 12:45, 1:02:03."""
    s = int(seconds)
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _timeline(turns, name: str, max_words: int, by_sentence: bool, start: float = 2.0):
    """Yield (speaker, turn text, turn start, [(chunk, start, end)]) with a plausible clock."""
    rng = random.Random(_seed(name))
    t = start
    for speaker, text in turns:
        t += rng.uniform(0.5, 2.5)
        turn_start = t
        cues = []
        for chunk in _caption_chunks(text.replace("\n\n", " "), max_words, by_sentence):
            dur = max(0.9, len(chunk.split()) / rng.uniform(2.0, 2.6))
            cues.append((chunk, t, t + dur))
            t += dur + rng.uniform(0.02, 0.25)
        yield speaker, text, turn_start, cues


def write_zoom_vtt(path: Path, turns) -> None:
    lines = ["WEBVTT", ""]
    n = 0
    for speaker, _text, _t0, cues in _timeline(turns, path.name, max_words=14, by_sentence=False):
        for chunk, a, b in cues:
            n += 1
            lines += [str(n), f"{_vtt_time(a)} --> {_vtt_time(b)}", f"{speaker}: {chunk}", ""]
    path.write_text("\n".join(lines), encoding="utf-8", newline="\n")


def write_teams_vtt(path: Path, turns, cue_ids: bool) -> None:
    rng = random.Random(_seed(path.name + "ids"))
    lines = ["WEBVTT", ""]
    for speaker, _text, _t0, cues in _timeline(turns, path.name, max_words=20, by_sentence=True):
        base = uuid.UUID(int=rng.getrandbits(128), version=4)
        for k, (chunk, a, b) in enumerate(cues):
            if cue_ids:
                lines.append(f"{base}/{rng.randint(10, 99)}-{k}")
            lines += [f"{_vtt_time(a)} --> {_vtt_time(b)}", f"<v {speaker}>{chunk}</v>", ""]
    path.write_text("\n".join(lines), encoding="utf-8", newline="\n")


def _paragraphs(text: str, max_words: int = 90) -> list[str]:
    """Keep the author's paragraphs; split a very long one in two at a sentence end."""
    out = []
    for para in text.split("\n\n"):
        sents = _sentences(para)
        if len(para.split()) > max_words and len(sents) >= 4:
            half = len(sents) // 2
            out += [" ".join(sents[:half]), " ".join(sents[half:])]
        else:
            out.append(para)
    return out


def write_teams_docx(path: Path, turns, title: str, when: str) -> None:
    import docx

    d = docx.Document()
    cp = d.core_properties
    cp.author = ""
    cp.last_modified_by = ""
    cp.title = ""
    cp.created = dt.datetime(2025, 1, 1)
    cp.modified = dt.datetime(2025, 1, 1)
    cp.revision = 1
    timeline = list(_timeline(turns, path.name, max_words=20, by_sentence=True))
    total = timeline[-1][3][-1][2] if timeline else 0
    first = turns[0][0]
    d.add_paragraph(title)
    d.add_paragraph(when)
    d.add_paragraph(f"{int(total // 60)}m {int(total % 60)}s")
    d.add_paragraph(f"{first} started transcription")
    for speaker, text, t0, _cues in timeline:
        d.add_paragraph(f"{speaker}   {_clock(t0)}")
        for para in _paragraphs(text):
            d.add_paragraph(para)
    d.add_paragraph(f"{first} stopped transcription")
    buf = io.BytesIO()
    d.save(buf)
    path.write_bytes(_normalise_zip(buf.getvalue()))


def write_otter_txt(path: Path, turns) -> None:
    out = []
    for speaker, text, t0, _cues in _timeline(turns, path.name, max_words=20, by_sentence=True):
        out.append(f"{speaker}  {_clock(t0)}\n{text.replace(chr(10) * 2, ' ')}\n")
    out.append("Transcribed by https://otter.ai\n")
    path.write_text("\n".join(out), encoding="utf-8", newline="\n")


def write_labelled_txt(path: Path, turns, header: str, blank_between: bool, newline: str) -> None:
    """Plain transcript: ``Label: text``; later paragraphs of a turn carry no label."""
    out = [header, ""]
    for speaker, text in turns:
        paras = text.split("\n\n")
        out.append(f"{speaker}: {paras[0]}")
        for p in paras[1:]:
            out += ["", p]
        if blank_between:
            out.append("")
    path.write_text("\n".join(out).rstrip("\n") + "\n", encoding="utf-8", newline=newline)


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a ZIP (XLSX/DOCX) with fixed member times and document dates: same bytes every run."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = payload.decode("utf-8")
                text = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", r"\g<1>" + FIXED_DOC_TIME + r"\2", text)
                payload = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, payload)
    return buf.getvalue()


# ---------------------------------------------------------------------------
# Survey exports
# ---------------------------------------------------------------------------
FIRST_NAMES = [
    "Ava", "Lachlan", "Mia", "Thi Ha", "Zara", "Harrison", "Isla", "Mohammed", "Sophie", "Ruby",
    "Anh", "Jasmine", "Connor", "Leila", "Maddison", "Kiri", "Ethan", "Aditi", "Bridget", "Mustafa",
    "Charlotte", "Tayla", "Wei", "Georgia", "Siosaia", "Emily", "Nhi", "Ebony", "Fatima", "Jack",
]
LAST_NAMES = [
    "Nguyen", "Smith", "Kaur", "Williams", "O'Connor", "Chen", "Brown", "Ahmed", "Taylor", "Rossi",
    "Wilson", "Tran", "Kelly", "Singh", "Murray", "Papadakis", "Walker", "Le", "Hughes", "Ibrahim",
    "Martin", "Fonua", "Ryan", "Vu", "Morgan", "Hassan", "Lee", "Dimitriou", "Clarke", "Hall",
]
EMAIL_DOMAINS = [
    "riverbend.vic.gov.au", "bpch.org.au", "wattlegrovenh.org.au", "loddonwh.org.au", "kpsc.vic.edu.au",
    "gvch.org.au", "westernplainsfnl.com.au", "gmail.com", "outlook.com", "vsu.edu.au",
]
LIKERT = ["Strongly agree", "Agree", "Neither agree nor disagree", "Disagree", "Strongly disagree"]
LIKERT_WEIGHTS = [46, 38, 10, 4, 2]


def _person(rng: random.Random) -> tuple[str, str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    email = f"{first.lower().replace(' ', '')}.{last.lower().replace(chr(39), '')}@{rng.choice(EMAIL_DOMAINS)}"
    return first, last, email


def _likert(rng: random.Random, shift: int = 0) -> str:
    i = rng.choices(range(5), weights=LIKERT_WEIGHTS)[0]
    return LIKERT[min(4, max(0, i + shift))]


def _is_partial(resp) -> bool:
    return all(not x for x in resp[1:])


QUALTRICS_META = [
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Australia/Melbourne"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Australia/Melbourne"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"Australia/Melbourne"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'),
    ("RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'),
    ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
    ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
    ("LocationLatitude", "Location Latitude", '{"ImportId":"locationLatitude"}'),
    ("LocationLongitude", "Location Longitude", '{"ImportId":"locationLongitude"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
]
Q_GROUPS = ["Group 1 (Tuesday mornings, online)", "Group 2 (Wednesday afternoons, online)",
            "Group 3 (Thursdays, in person, Melbourne CBD)", "Group 4 (Monday evenings, online)"]
Q_WORKPLACES = ["Local government", "Community health", "Women's health service", "School or education setting",
                "Sport and recreation", "Neighbourhood house or community organisation", "Other (please specify)"]
Q_OTHER_WORKPLACE = ["Youth service", "University", "State-wide peak body", "Aboriginal community controlled organisation",
                     "LGBTIQ+ youth service", "Legal centre"]
Q_STATEMENTS = [
    "The CoP deepened my understanding of primary prevention",
    "The CoP was time well spent",
    "The CoP strengthened my connections with other practitioners",
    "I feel more confident in my prevention practice",
    "The CoP was a safe space to share challenges",
    "I feel better equipped to respond to resistance and backlash",
]
CONSENT_QUESTION = "Are you happy for your comments to be quoted anonymously in reports and publications?"
OPEN_VALUABLE = "What was the most valuable aspect of your CoP?"
OPEN_IMPROVE = "What could be improved?"
OPEN_CHANGE = "Can you describe a change in your practice?"
OPEN_OTHER = "Any other comments?"


def qualtrics_rows(responses) -> list[list[str]]:
    rng = random.Random(_seed("qualtrics"))
    q_cols = [
        ("Q1", "Which Early Career CoP group were you part of?", '{"ImportId":"QID1"}'),
        ("Q2", "Which best describes your workplace? - Selected Choice", '{"ImportId":"QID2"}'),
        ("Q2_7_TEXT", "Which best describes your workplace? - Other (please specify) - Text", '{"ImportId":"QID2_7_TEXT"}'),
        ("Q3", "How long have you worked in primary prevention?", '{"ImportId":"QID3"}'),
    ]
    q_cols += [(f"Q4_{i}", f"To what extent do you agree with the following statements? - {s}", f'{{"ImportId":"QID4_{i}"}}')
               for i, s in enumerate(Q_STATEMENTS, start=1)]
    q_cols += [
        ("Q5", "How many of the six sessions did you attend?", '{"ImportId":"QID5"}'),
        ("Q6", OPEN_VALUABLE, '{"ImportId":"QID6_TEXT"}'),
        ("Q7", OPEN_IMPROVE, '{"ImportId":"QID7_TEXT"}'),
        ("Q8", OPEN_CHANGE + " Please give an example.", '{"ImportId":"QID8_TEXT"}'),
        ("Q9", OPEN_OTHER, '{"ImportId":"QID9_TEXT"}'),
        ("Q10", CONSENT_QUESTION, '{"ImportId":"QID10"}'),
    ]
    cols = QUALTRICS_META + q_cols
    rows = [[c[0] for c in cols], [c[1] for c in cols], [c[2] for c in cols]]
    start = dt.datetime(2024, 6, 3, 8, 30)

    def one(resp, preview: bool = False):
        valuable, improve, change, other, consent = resp
        partial = _is_partial(resp)
        begin = start + dt.timedelta(seconds=rng.randint(0, 3600 * 24 * 18))
        dur = rng.randint(150, 1400)
        end = begin + dt.timedelta(seconds=dur)
        emailed = (not preview) and rng.random() < 0.3
        first, last, email = _person(rng) if emailed else ("", "", "")
        loc = rng.choice([(-37.8159, 144.9669), (-37.5622, 143.8503), (-36.7570, 144.2794),
                          (-38.1499, 144.3617), (-37.9833, 145.2), (-36.3833, 145.4)])
        work = rng.choices(range(len(Q_WORKPLACES)), weights=[22, 20, 14, 12, 8, 12, 12])[0]
        shift = 1 if (partial or valuable.strip().lower() in ("n/a", "learning", "it was really good")) else 0
        likert = [_likert(rng, shift) for _ in Q_STATEMENTS]
        if partial:
            likert[-1] = ""
        meta = [
            begin.strftime("%Y-%m-%d %H:%M:%S"), end.strftime("%Y-%m-%d %H:%M:%S"),
            "Survey Preview" if preview else "IP Address",
            "" if preview else f"{rng.choice(['203.0.113', '198.51.100', '192.0.2'])}.{rng.randint(2, 254)}",
            str(rng.randint(45, 70) if partial else 100), str(dur),
            "False" if partial else "True",
            (end + dt.timedelta(seconds=rng.randint(0, 3) if not partial else 60 * 60 * 24 * 7)).strftime("%Y-%m-%d %H:%M:%S"),
            "R_" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(15)),
            last, first, email, "",
            f"{loc[0] + rng.uniform(-0.02, 0.02):.4f}", f"{loc[1] + rng.uniform(-0.02, 0.02):.4f}",
            "preview" if preview else ("email" if emailed else "anonymous"), "EN",
        ]
        answers = [
            rng.choice(Q_GROUPS), Q_WORKPLACES[work],
            rng.choice(Q_OTHER_WORKPLACE) if work == len(Q_WORKPLACES) - 1 else "",
            rng.choice(["Less than 1 year", "1-2 years", "1-2 years", "3-5 years"]),
            *likert,
            rng.choice(["5-6", "5-6", "3-4", "1-2"]) if not partial else "",
            valuable, improve, change, other, consent,
        ]
        return meta + answers

    rows.append(one(("test", "test", "", "", "Yes"), preview=True))
    for resp in responses:
        rows.append(one(resp))
    return rows


def write_qualtrics(path: Path, responses) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(qualtrics_rows(responses))
    path.write_bytes(buf.getvalue().encode("utf-8-sig"))


SM_ROLES = ["Classroom teacher", "RRE lead / coordinator", "Wellbeing staff", "School leadership", "Other (please specify)"]
SM_GAINS = ["New resources", "Contacts in other schools", "Confidence to lead RRE",
            "Strategies for responding to resistance", "Time to reflect on my practice"]
SM_STATEMENTS = [
    "The CoP deepened my understanding of the whole-school approach",
    "The CoP was time well spent",
    "The CoP strengthened my connections with other schools",
    "I feel more confident teaching Respectful Relationships",
    "I feel better able to respond to parent or staff concerns",
]


def surveymonkey_rows(responses) -> list[list[str]]:
    rng = random.Random(_seed("surveymonkey"))
    row1 = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
            "First Name", "Last Name", "Custom Data 1"]
    row2 = [""] * len(row1)
    row1 += ["Which RRE CoP group did you attend?"]; row2 += ["Response"]
    row1 += ["What is your role at your school?", ""]; row2 += ["Response", "Other (please specify)"]
    row1 += ["Please rate your agreement with the following statements."] + [""] * (len(SM_STATEMENTS) - 1)
    row2 += SM_STATEMENTS
    row1 += ["What did you gain from the CoP? (Select all that apply)"] + [""] * len(SM_GAINS)
    row2 += SM_GAINS + ["Other (please specify)"]
    row1 += [OPEN_VALUABLE, OPEN_IMPROVE, CONSENT_QUESTION, OPEN_OTHER]
    row2 += ["Open-Ended Response", "Open-Ended Response", "Response", "Open-Ended Response"]
    rows = [row1, row2]
    start = dt.datetime(2022, 11, 21, 15, 40)
    rid = 114_036_000_000
    for resp in responses:
        valuable, improve, other, consent = resp
        rid += rng.randint(1_000, 90_000)
        emailed = rng.random() < 0.25
        begin = start + dt.timedelta(seconds=rng.randint(0, 3600 * 24 * 21))
        end = begin + dt.timedelta(seconds=rng.randint(120, 1300))
        first, last, email = _person(rng) if emailed else ("", "", "")
        role = rng.choices(range(len(SM_ROLES)), weights=[30, 30, 18, 12, 10])[0]
        gains = [g if rng.random() < 0.55 else "" for g in SM_GAINS]
        row = [
            str(rid), "431204117" if emailed else "431198562",
            begin.strftime("%m/%d/%Y %I:%M:%S %p"), end.strftime("%m/%d/%Y %I:%M:%S %p"),
            f"{rng.choice(['203.0.113', '198.51.100'])}.{rng.randint(2, 254)}", email, first, last, "",
            rng.choice(["Group A – Bendigo and Loddon", "Group B – Western metro", "Group C – Gippsland", "Group D – online"]),
            SM_ROLES[role], rng.choice(["Health and PE teacher", "Year level coordinator", "School nurse"]) if role == 4 else "",
            *[_likert(rng) for _ in SM_STATEMENTS],
            *gains, "Contacts at the women’s health service" if rng.random() < 0.05 else "",
            valuable, improve, consent, other,
        ]
        rows.append(row)
    return rows


def write_surveymonkey(path: Path, responses) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(surveymonkey_rows(responses))
    path.write_bytes(buf.getvalue().encode("cp1252"))      # strict: fails on characters cp1252 lacks


FORMS_STATEMENTS = [
    "The CoP deepened my understanding of prevention with children and young people",
    "The CoP was time well spent",
    "The CoP strengthened my connections with other practitioners",
    "I feel more confident in my practice",
]
FORMS_PARTS = ["Peer discussion", "Guest speakers", "Case studies", "Shared resources", "Reflective activities", "Check-ins"]
FORMS_AGREE = ["Strongly agree", "Agree", "Neutral", "Disagree", "Strongly disagree"]


def write_forms(path: Path, responses) -> None:
    import openpyxl

    rng = random.Random(_seed("forms"))
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    header = ["ID", "Start time", "Completion time", "Email", "Name", "Last modified time",
              "Which CoP group did you attend?", "What is your role?",
              "Overall, how would you rate the Community of Practice?",
              *FORMS_STATEMENTS,
              "Which parts of the CoP were most useful to you?",
              OPEN_VALUABLE, OPEN_IMPROVE, OPEN_CHANGE, CONSENT_QUESTION, OPEN_OTHER]
    ws.append(header)
    start = dt.datetime(2025, 5, 26, 9, 0)
    for i, resp in enumerate(responses, start=1):
        valuable, improve, change, other, consent = resp
        begin = start + dt.timedelta(seconds=rng.randint(0, 3600 * 24 * 14))
        end = begin + dt.timedelta(seconds=rng.randint(100, 1100))
        named = rng.random() < 0.2
        first, last, email = _person(rng) if named else ("", "", "")
        parts = [p for p in FORMS_PARTS if rng.random() < 0.45] or [rng.choice(FORMS_PARTS)]
        row = [
            i, begin, end, email if named else "anonymous", f"{first} {last}" if named else None, None,
            rng.choice(["Tuesday group (online)", "Thursday group (online)", "In-person group (Geelong)"]),
            rng.choice(["Youth worker", "Maternal and child health nurse", "Early childhood educator",
                        "Out of home care worker", "Teacher", "Sport and recreation", "Other"]),
            rng.choices([5, 4, 3, 2], weights=[50, 35, 11, 4])[0],
            *[FORMS_AGREE[LIKERT.index(_likert(rng))] for _ in FORMS_STATEMENTS],
            ";".join(parts) + ";",
            valuable or None, improve or None, change or None, consent or None, other or None,
        ]
        ws.append(row)
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=3):
        for cell in row:
            cell.number_format = "m/d/yy h:mm:ss"
    wb.properties.creator = "Microsoft Forms"
    wb.properties.lastModifiedBy = ""
    wb.properties.created = dt.datetime(2025, 1, 1)
    wb.properties.modified = dt.datetime(2025, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_normalise_zip(buf.getvalue()))


def write_roster(path: Path) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["name", "role", "quote_consent", "aliases", "group"])
    for name, role, consent, aliases, group in ROSTER:
        w.writerow([name, role, consent, ";".join(aliases), group])
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")


# ---------------------------------------------------------------------------
# The corpus: files, manifest, README
# ---------------------------------------------------------------------------
ROSTER_PATH = "rosters/focus_group_roster.csv"
Q_OPEN = ["Q6", "Q7", "Q8", "Q9"]
FORMS_OPEN = [OPEN_VALUABLE, OPEN_IMPROVE, OPEN_CHANGE, OPEN_OTHER]

# relative path, format label, group, year, source kind, what it is, writer
FILES = [
    ("focus_groups/rre_2024-2025_focus_group_zoom.vtt", "Zoom VTT (numbered cues, `Name: text`)", RRE, "2024-2025", "focus_group",
     "end-of-series focus group, facilitator Mel + 6 participants (1 without quote consent)",
     lambda p: write_zoom_vtt(p, RRE_ZOOM)),
    ("focus_groups/early_career_2023-2024_focus_group_teams.vtt", "Teams VTT with GUID cue ids (`<v Name>text</v>`)", EARLY, "2023-2024", "focus_group",
     "end-of-series focus group, facilitator Dr Nadia Rahman + 6 participants (1 without consent)",
     lambda p: write_teams_vtt(p, EARLY_TEAMS, cue_ids=True)),
    ("focus_groups/tertiary_2024-2025_focus_group_teams.vtt", "Teams VTT without cue ids", TERTIARY, "2024-2025", "focus_group",
     "focus group, facilitator Claire + 4 participants (1 without consent)",
     lambda p: write_teams_vtt(p, TERTIARY_TEAMS, cue_ids=False)),
    ("focus_groups/regional_rural_2022_focus_group_teams.docx", "Teams DOCX (`Name   0:03` paragraph, then text paragraphs)", REGIONAL, "2022", "focus_group",
     "end-of-year focus group, facilitator Sue + 6 participants (1 without consent); title, date, duration and 'started/stopped transcription' lines as Teams writes them",
     lambda p: write_teams_docx(p, REGIONAL_DOCX, "Regional and Rural CoP focus group-20221124_100212-Meeting Recording",
                                "November 24, 2022, 11:02PM")),
    ("focus_groups/prevention_leaders_2024_focus_group_otter.txt", "Otter TXT (`Name  0:03` line, text, blank line)", LEADERS, "2024", "focus_group",
     "focus group, facilitator Jo + 5 named participants (1 without consent) and one unidentified `Speaker 6`; ends with Otter's 'Transcribed by' line",
     lambda p: write_otter_txt(p, LEADERS_OTTER)),
    ("focus_groups/wcyp_2018-2019_focus_group_notes.txt", "plain TXT, `Firstname:` labels, CRLF, no blank lines between turns", WCYP, "2018-2019", "focus_group",
     "in-person focus group typed up from audio, facilitator Ros + 5 participants (1 without consent); two header lines",
     lambda p: write_labelled_txt(p, WCYP_NOTES, WCYP_NOTES_HEADER, blank_between=False, newline="\r\n")),
    ("interviews/mid_senior_2021-2022_interview_03.txt", "plain TXT, `Interviewer:` / `Participant:` labels, multi-paragraph turns", MIDSENIOR, "2021-2022", "interview",
     "phone interview with one participant who consented (manifest `consent: yes`); one header line",
     lambda p: write_labelled_txt(p, MIDSENIOR_INTERVIEW, MIDSENIOR_INTERVIEW_HEADER, blank_between=True, newline="\n")),
    ("surveys/early_career_2023-2024_end_of_series_qualtrics.csv", "Qualtrics CSV, UTF-8 with BOM, 3 header rows", EARLY, "2023-2024", "survey",
     f"{len(EARLY_QUALTRICS)} responses + 1 `Survey Preview` test row; Likert matrix Q4_1-6, choices Q1-Q3/Q5 (+ Q2_7_TEXT other), open Q6-Q9, consent Q10; ~30% distributed by email (recipient names/emails filled); a few partial responses",
     lambda p: write_qualtrics(p, EARLY_QUALTRICS)),
    ("surveys/rre_2022-2023_end_of_series_surveymonkey.csv", "SurveyMonkey CSV, Windows-1252 (’ “ ” –), 2 header rows", RRE, "2022-2023", "survey",
     f"{len(RRE_SURVEYMONKEY)} responses; matrix and select-all-that-apply sub-columns, 3 open questions, consent question; email collector rows carry names",
     lambda p: write_surveymonkey(p, RRE_SURVEYMONKEY)),
    ("surveys/wcyp_2024-2025_end_of_series_forms.xlsx", "Microsoft Forms XLSX", WCYP, "2024-2025", "survey",
     f"{len(WCYP_FORMS)} responses; rating, Likert columns, multi-select `a;b;` column, 4 open questions, consent; ~20% not anonymous (Email/Name filled)",
     lambda p: write_forms(p, WCYP_FORMS)),
]


def manifest_text() -> str:
    lines = [
        "# copquotes manifest for the sample corpus in this folder. All text is synthetic.",
        "# Written by scripts/build_corpus.py (edit the script, not this file).",
        "#",
        "# Shape:",
        "#   rosters:  roster CSVs (name,role,quote_consent,aliases,group; aliases split on ';'),",
        "#             paths relative to this file; used to match transcript speaker labels",
        "#   exclude:  globs of files under this folder that are not text sources",
        "#   files:    mapping of path or glob (relative to this folder, '/' separators) -> metadata",
        "#             for the matching files; later entries override earlier ones. Keys:",
        "#               group:          CoP group",
        "#               year:           year or series, always a quoted string (\"2022\", \"2024-2025\")",
        "#               source_kind:    survey | focus_group | interview | reflection",
        "#               open_questions: survey columns read as open answers (column id or exact header text)",
        "#               consent_column: survey column holding the quote-consent answer (id or header text)",
        "#               consent:        yes | no: quote consent of speakers that no roster entry covers",
        "#             The SurveyMonkey entry names neither open_questions nor consent_column on purpose:",
        "#             they are left to detection (\"Open-Ended Response\", the consent question text).",
        f"rosters: [{ROSTER_PATH}]",
        'exclude: ["labelled/*", "README.md", "rosters/*"]',
        "files:",
        '  "focus_groups/*": {source_kind: focus_group}',
    ]
    for rel, _fmt, group, year, kind, _what, _w in FILES:
        if rel.startswith("focus_groups/"):
            lines.append(f'  "{rel}": {{group: {group}, year: "{year}"}}')
        elif kind == "interview":
            lines.append(f'  "{rel}": {{group: {group}, year: "{year}", source_kind: interview, consent: "yes"}}')
        elif rel.endswith("qualtrics.csv"):
            lines += [f'  "{rel}":', f"    group: {group}", f'    year: "{year}"', "    source_kind: survey",
                      f"    open_questions: [{', '.join(Q_OPEN)}]", "    consent_column: Q10"]
        elif rel.endswith("surveymonkey.csv"):
            lines.append(f'  "{rel}": {{group: {group}, year: "{year}", source_kind: survey}}')
        else:
            lines += [f'  "{rel}":', f"    group: {group}", f'    year: "{year}"', "    source_kind: survey",
                      "    open_questions:"] + [f'      - "{q}"' for q in FORMS_OPEN] + [
                      f'    consent_column: "{CONSENT_QUESTION}"']
    return "\n".join(lines) + "\n"


def readme_text(counts: dict) -> str:
    total = sum(c["units"] for c in counts.values())
    out = [
        "# Sample corpus (synthetic)",
        "",
        "Everything in this folder except `labelled/` is generated by `scripts/build_corpus.py`",
        "(`python scripts/build_corpus.py`; deterministic, same bytes every run). **All text is",
        "synthetic**: invented for copquotes, not taken from any published report, dataset or real",
        "participant. People, organisations, e-mail addresses, websites and @handles are fictional;",
        "phone numbers are from the ranges ACMA reserves for fiction (0491 570 xxx, (03) 5550 xxxx,",
        "(03) 7010 xxxx). Towns and regions are real Victorian places, as they come up in real talk.",
        "",
        "It imitates the evaluation material of Communities of Practice (CoPs) run by a peak body for",
        "family-violence / gender-based-violence primary-prevention practitioners in Victoria: focus",
        "groups, an interview and end-of-series surveys across seven CoP groups and 2018-2019 to",
        "2024-2025, in every supported export format. Metadata per file is in `copquotes.yaml`; the",
        f"speakers' roles, aliases and quote consent are in `{ROSTER_PATH}`.",
        "",
        f"Units (one survey answer to an open question, or one merged speaker turn): **{total}**,",
        "counted by `python scripts/build_corpus.py --check` straight from the files. \"substantive\"",
        "leaves out answers such as N/A, nil, nothing, '-'.",
        "",
        "| file | format | group | year | kind | units (substantive) | contents |",
        "|---|---|---|---|---|---|---|",
    ]
    for rel, fmt, group, year, kind, what, _w in FILES:
        c = counts[rel]
        out.append(f"| `{rel}` | {fmt} | {group} | {year} | {kind} | {c['units']} ({c['substantive']}) | {what} |")
    out += [
        "",
        "## What is in the text, on purpose",
        "- All nine default themes many times over (wellbeing, solidarity, backlash, reflective practice,",
        "  connection / networking, confidence / professional growth, safe space / facilitation, peer",
        "  learning / knowledge sharing, isolation), often several in one answer, and plenty of talk",
        "  about none of them (logistics, greetings, \"can you hear me?\", \"yeah\", facilitator prompts).",
        "- A facilitator in every focus group: opening, prompts, logistics and a closing facilitator",
        "  reflection (a quotable `reflection` in the organisation's sense).",
        "- Identifiers inside the talk: names and nicknames of people present and absent, honorifics",
        "  (Aunty, Dr), organisations with acronyms, schools, councils, towns and regions, e-mail",
        "  addresses, 04xx mobiles and (03) landlines, a URL and an @handle; identity columns in the",
        "  surveys (recipient names and e-mails, IP addresses, locations).",
        "- Risky content for the flags: quasi-identifiers (\"the only prevention worker in Mildura\",",
        "  \"the only health professional at my school in Warrnambool\"), ages (23, 24), disability",
        "  (hard of hearing, ADHD, autistic), cultural or religious identity (a Muslim woman in a hijab,",
        "  Yorta Yorta country, Somali and Afghan communities), and victim-survivor case details",
        "  (a tracker on a car, car keys and phone taken).",
        "- Quotable lines from people without consent (roster `quote_consent: no`: Tom, Ngozi, Matt,",
        "  Faith, Deb, Ben; survey respondents answering No or leaving the consent question blank), and",
        "  an unidentified Otter speaker (`Speaker 6`) whose consent is unknown.",
        "- Format details real exports have: a Qualtrics `Survey Preview` test row and partial",
        "  responses, a Qualtrics \"Other (please specify)\" text column that is not an open question,",
        "  SurveyMonkey sub-columns with blank question cells, Forms multi-select values ending in `;`,",
        "  Teams DOCX title/duration/`started transcription` lines, Otter's closing `Transcribed by` line,",
        "  header lines above plain-text transcripts, CRLF line endings, long turns split over several",
        "  VTT cues, turns over several paragraphs.",
        "",
        "`labelled/` holds gold sets written separately (see `labelled/README.md`).",
    ]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# Independent unit count, read back from the files on disk
# ---------------------------------------------------------------------------
_EMPTYISH = re.compile(r"^\s*(n\/?a|nil|none|nothing|no|-+|\.)[\s.!]*$", re.I)   # non-answers
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?"


def _merge(speakers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Merge consecutive (speaker, text) pieces of the same speaker into turns."""
    out: list[tuple[str, str]] = []
    for s, t in speakers:
        if out and out[-1][0] == s:
            out[-1] = (s, out[-1][1] + " " + t)
        else:
            out.append((s, t))
    return out


def _transcript_pieces(path: Path) -> list[tuple[str, str]]:
    suffix = path.suffix.lower()
    if suffix == ".vtt":
        text = path.read_text(encoding="utf-8")
        pieces = []
        for block in re.split(r"\n\s*\n", text):
            lines = [l for l in block.splitlines() if l.strip()]
            if not lines or "-->" not in "".join(lines):
                continue
            i = next(k for k, l in enumerate(lines) if "-->" in l)
            body = " ".join(lines[i + 1:])
            m = re.match(r"<v ([^>]+)>(.*?)(?:</v>)?$", body)
            if m:
                pieces.append((m.group(1), m.group(2)))
            else:
                name, _, rest = body.partition(": ")
                pieces.append((name, rest))
        return pieces
    if suffix == ".docx":
        import docx
        paras = [p.text for p in docx.Document(str(path)).paragraphs]
        pieces, current = [], None
        for p in paras:
            m = re.match(rf"^(.+?) {{3}}({_CLOCK})$", p)
            if m:
                current = m.group(1)
                pieces.append((current, ""))
            elif current and p.strip() and not re.search(r"(started|stopped) transcription$", p):
                pieces[-1] = (current, (pieces[-1][1] + " " + p).strip())
        return pieces
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if any(re.match(rf"^.+? {{2}}{_CLOCK}$", l) for l in lines[:3]):      # Otter
        pieces, current = [], None
        for l in lines:
            m = re.match(rf"^(.+?) {{2}}({_CLOCK})$", l)
            if m:
                current = m.group(1)
                pieces.append((current, ""))
            elif current and l.strip() and not l.startswith("Transcribed by"):
                pieces[-1] = (current, (pieces[-1][1] + " " + l).strip())
        return pieces
    pieces = []
    for l in lines:
        m = re.match(r"^([A-Z][A-Za-z'’ .-]{0,30}):\s+(.*)$", l)
        if m:
            pieces.append((m.group(1), m.group(2)))
        elif pieces and l.strip():
            pieces[-1] = (pieces[-1][0], pieces[-1][1] + " " + l.strip())
    return pieces


def _survey_answers(path: Path) -> list[str]:
    if path.suffix.lower() == ".xlsx":
        import openpyxl
        rows = [list(r) for r in openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True)]
        idx = [rows[0].index(q) for q in FORMS_OPEN]
        return [str(r[i]) for r in rows[1:] for i in idx if r[i] not in (None, "")]
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        status = rows[0].index("Status")
        idx = [rows[0].index(q) for q in Q_OPEN]
        return [r[i] for r in rows[3:] if r[status] != "Survey Preview" for i in idx if r[i].strip()]
    rows = list(csv.reader(io.StringIO(raw.decode("cp1252"))))
    idx = [i for i, v in enumerate(rows[1]) if v == "Open-Ended Response"]
    return [r[i] for r in rows[2:] for i in idx if r[i].strip()]


def count_file(path: Path) -> dict:
    if path.suffix.lower() in (".csv", ".xlsx"):
        answers = _survey_answers(path)
        return {"units": len(answers), "substantive": sum(1 for a in answers if not _EMPTYISH.match(a)),
                "speakers": None}
    turns = _merge(_transcript_pieces(path))
    return {"units": len(turns), "substantive": sum(1 for _, t in turns if not _EMPTYISH.match(t)),
            "speakers": len({s for s, _ in turns})}


def check(verbose: bool = True, root: Path = CORPUS) -> dict:
    counts = {}
    for rel, *_ in FILES:
        counts[rel] = count_file(root / rel)
    if verbose:
        for rel, c in counts.items():
            extra = f", {c['speakers']} speakers" if c["speakers"] else ""
            print(f"{c['units']:5d} units ({c['substantive']:4d} substantive{extra})  {rel}")
        total = sum(c["units"] for c in counts.values())
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and "labelled" not in p.relative_to(root).parts)
        print(f"{total:5d} units in total; corpus files (without labelled/) {size / 1024:.0f} KiB")
    return counts


def check_ingest(counts: dict, root: Path = CORPUS) -> int:
    """Parse the corpus with copquotes.ingest and compare with the independent counts and the manifest."""
    sys.path.insert(0, str(REPO))
    from copquotes.ingest import discover, read

    expected = {rel: (group, year, kind) for rel, _f, group, year, kind, _w, _x in FILES}
    disc = discover([str(root)], {})
    problems = 0
    seen = set()
    for path, why in disc.skipped:
        print(f"skipped: {Path(path).relative_to(root) if Path(path).is_relative_to(root) else path}: {why}")
    for source in disc.sources:
        rel = Path(source.path).resolve().relative_to(root.resolve()).as_posix()
        reading = read(source)
        units = list(reading.units)
        seen.add(rel)
        roles, consent = {}, {}
        for u in units:
            roles[u.speaker_role] = roles.get(u.speaker_role, 0) + 1
            consent[u.consent] = consent.get(u.consent, 0) + 1
        metas = {(u.group, u.year, u.source_kind) for u in units}
        print(f"{rel}: format={source.format} units={len(units)} meta={sorted(metas, key=str)} "
              f"roles={roles} consent={consent} identifiers={len(reading.identifiers)}")
        if rel not in expected:
            print(f"  MISMATCH: not a corpus text source")
            problems += 1
            continue
        # surveys: the reader drops non-answers (N/A, nil, -), so compare with the substantive count
        want = counts[rel]["substantive"] if expected[rel][2] == "survey" else counts[rel]["units"]
        if len(units) != want:
            print(f"  MISMATCH: {len(units)} units, independent count {want}")
            problems += 1
        if metas != {expected[rel]}:
            print(f"  MISMATCH: metadata {metas}, expected {expected[rel]}")
            problems += 1
    for rel in expected:
        if rel not in seen:
            print(f"MISMATCH: {rel} not discovered")
            problems += 1
    print(f"{problems} mismatch(es)")
    return problems


def build(root: Path = CORPUS) -> None:
    for rel, _fmt, _g, _y, _k, _what, writer in FILES:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        writer(path)
    roster = root / ROSTER_PATH
    roster.parent.mkdir(parents=True, exist_ok=True)
    write_roster(roster)
    (root / "copquotes.yaml").write_text(manifest_text(), encoding="utf-8", newline="\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only count the units of the files on disk")
    ap.add_argument("--ingest", action="store_true", help="also parse every file with copquotes.ingest")
    ap.add_argument("--out", type=Path, default=CORPUS, help="folder to write (default: the repository's corpus/)")
    args = ap.parse_args(argv)
    root = args.out
    if not args.check:
        build(root)
    counts = check(root=root)
    if not args.check:
        (root / "README.md").write_text(readme_text(counts), encoding="utf-8", newline="\n")
    if args.ingest:
        return 1 if check_ingest(counts, root) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The always-available commands: one table, the only source of truth.

Each :class:`Command` names its Rasa intent, what runs when it is honoured,
how it behaves inside a form (``leave`` ends the form first; ``aside`` runs
while the form waits and the form's question is asked again; ``form`` is
carried out by the form itself), and its **grammar**: whole-message patterns
that make a short message clearly this command, in any state.

The table feeds :mod:`bot.understanding.interpret` (the decision),
:mod:`bot.understanding.rules` (the generated Rasa rules) and the tests
(every command in every state).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LEAVE, ASIDE, FORM = "leave", "aside", "form"


@dataclass(frozen=True)
class Command:
    """One always-available command."""

    name: str
    intent: str  # the Rasa intent that carries it out
    steps: tuple[str, ...]  # actions run when honoured (outside a form, or after leaving one)
    in_form: str  # LEAVE, ASIDE or FORM
    label: str  # completes "Shall I keep that as your answer, or would you like to …?"
    grammar: tuple[str, ...]  # whole-message patterns (on normalised text)
    #: classifier intents that mean this command inside a free-text prompt
    also: tuple[str, ...] = ()
    #: slots the steps set, for the rules (Rasa needs them spelled out)
    sets: dict[str, str | None] = field(default_factory=dict)
    #: asked about rather than honoured when only the classifier suggests it
    may_ask: bool = True

    @property
    def intents(self) -> tuple[str, ...]:
        return (self.intent, *self.also)


# Small grammar pieces. Text is normalised first (bot.understanding.text):
# lowercase, apostrophes dropped ("don't" -> "dont"), punctuation and emoji gone.
_I_WANT = r"(?:i (?:want|wanna|would like|d like|need|wish) (?:to )?|id rather |i would rather |id prefer to |i would prefer to |can (?:i|we|you) |could (?:i|we|you) |may i |let me |lets |please |i (?:want|need) you to )"
_ME = r"(?:me |)"
_MY = r"(?:my |the |all my |all the |all of my |those |these |)"
_NOW = r"(?: (?:now|please|pls|plz|for now|for today|today|right now|then|thanks|thank you|thx|ty|asap|ok|okay))*"
_TAIL = r"(?: (?:from|again|before|last time|from before|from last time|earlier|previously|last week|i saved|i wrote|i made|i did|you saved|you have|you keep|you hold|about me|on me|of me|of mine|from here|from this|off here|on here|in here|here|now|please|pls|for me|too|as well|and stuff))*"
_WHAT = r"(?: (?:my|this|that|it|them|these|those|anything|everything|any of (?:this|it)|any more|anymore|stuff|answers|reflections|words|messages|data|info|responses|chats?|what i (?:write|say|wrote|said|type)|from now on|now|please|pls|thanks|of mine|for me|here|on here|any|of))*"
_LEAD = r"(?:(?:i changed my mind|changed my mind|i dont get it|sorry but|to be honest|ok|okay|ok so|um+|erm+|hmm+|uh+|actually|sorry|so|well|hey|hi|right|yeah|yes|no|nah|please|pls|just|and|but|can you|could you|honestly|tbh|i think|hmm ok)\s+)*"


def _g(*patterns: str) -> tuple[str, ...]:
    return tuple(patterns)


COMMANDS: tuple[Command, ...] = (
    Command(
        name="stop",
        intent="stop",
        steps=("action_stop",),
        in_form=LEAVE,
        label="stop for today",
        also=("goodbye",),
        grammar=_g(
            r"(?:.{0,30} )?(?:i have to go|i need to go|i gotta go|i must go)(?: now)?",
            r"(?:thats|that is) enough for me(?: (?:today|tonight|now))?(?: .{0,15})?",
            r"(?:im |i am |)(?:going to|gonna|i will|ill|will) (?:stop|leave it|finish|end) (?:here|now|there|for (?:today|now|tonight))(?: .{0,20})?",
            r"(?:i think |)(?:ill |i will |lets |)(?:leave|call) it (?:there|a day|a night)(?: (?:for (?:today|now|tonight)|thanks|thank you|if thats (?:ok|okay|alright)(?: with you)?))*",
            r"close (?:this|it)(?: down)?(?: now| please)?",
            r"(?:im|i am) off(?: now)?(?: (?:night|bye|cya|x+))?",
            r"(?:gotta|got to|have to|need to) dash|dash",
            r"(?:thats|that is) enough for (?:today|tonight|now)(?: .{0,15})?",
            r"(?:im |i am |)(?:logging|signing|heading|going|checking) (?:off|out)(?: now| for (?:now|today|tonight))?",
            r"(?:log|sign) me (?:out|off)(?: please| pls| now)?",
            r"(?:i )?(?:need|have|got|gotta) to (?:head|head off|run|dash|leave)(?: off)?(?: now| sorry)?",
            r"(?:im |i am |)(?:leaving|off|heading off|going)(?: now)?",
            r"(?:.{0,40} )?(?:bye|bye bye|goodbye|cya|ttyl|see ya|see you|laters|gotta go|gtg|g2g)(?: (?:now|for now|x+))?",
            r"(?:gotta|got to|have to|need to) (?:run|dash|go)(?: .{0,25})?",
            rf"{_I_WANT}?(?:end|stop|close|finish|leave) (?:the |this |)(?:chat|conversation|session)(?: (?:now|here|please|for (?:now|today)))*",
            rf"{_I_WANT}?(?:stop|quit|exit|end|leave|finish|log ?out|log ?off|sign ?off)(?: (?:this|it|here|now|the chat|the conversation|the session|talking|chatting|for now|for today|for the day|there))*",
            r"(?:im|i am|were|we are) (?:done|finished|out)(?: (?:here|now|for (?:now|today|tonight|the day)|with this|today|thanks))*",
            r"(?:(?:i )?(?:have|got|gotta|need|needa|must) (?:to )?go|gotta go|got to go|g2g|gtg|brb|bye(?: bye)?|goodbye|good bye|see (?:you|ya)(?: later)?|cya|later|laters|ttyl|talk (?:to you )?later|night|goodnight|good night)(?: (?:now|for now|for today|then|x+|xx|everyone|all|thanks|thank you|bye))*",
            r"(?:thats|that is|thats it|that will do|thatll do|that is all|thats all|enough|no more|ive had enough)(?: (?:for (?:now|today|tonight)|now|thanks|thank you))*",
            r"call it (?:a day|quits)(?: (?:for (?:now|today|tonight)|now|here))*",
        ),
    ),
    Command(
        name="skip",
        intent="skip",
        steps=("action_offer_themes",),
        in_form=FORM,
        label="skip this question",
        grammar=_g(
            r"(?:ill|i will) leave (?:this|that) (?:one |question |)blank",
            r"(?:can we |lets |)(?:go|move|skip) (?:on )?to the next (?:prompt|question|one)",
            r"(?:i )?(?:dont|do not|not) (?:fancy|want|feel like) (?:answering|to answer|answer) (?:this|that)(?: one| question)?(?: .{0,20})?",
            r"(?:id|i would|i d) prefer not to answer (?:this|that)(?: one| question)?(?: if thats (?:ok|okay|alright))?",
            r"rather not say|id rather not say|prefer not to say",
            r"skp|move on|lets move on|can we move on",
            r"(?:(?:give|ask) me |can i have |can you ask me |)(?:another|a different|a new) (?:q|question|one)(?: please| pls)?",
            r"(?:can we |lets |)jump past (?:this|that)(?: one| question)?",
            r"(?:(?:ill|i will|lets|can we) )?leave (?:that|this|it)(?: one| question)?(?: if thats (?:ok|okay|alright))?",
            r"(?:id |)rather not (?:answer|say) (?:this|that)(?: one| question)?",
            r"(?:id|i would|i d) (?:rather|prefer) not (?:to )?(?:answer|say|do) (?:this|that|it)(?: one| question)?",
            r"(?:can we |lets |)skip (?:to )?(?:the )?next(?: one| question)?",
            r"(?:(?:give me|can i have|can we do) )?(?:a )?different question(?: please| pls)?",
            r"(?:nxt|next)(?: question| one)?(?: pls| please)?",
            r"(?:skii?p+|skipp+)",
            r"(?:can i |could i )?not answer (?:this|that)(?: one| question)?",
            r"not (?:this|that) question",
            r"(?:i dont have an answer|no answer|nothing)(?: for (?:this|that)(?: one)?)?(?: skip(?: it)?| next| pass)",
            r"(?:ill|i will) (?:leave|pass on|skip) (?:this|that)(?: one)?",
            r"(?:rather not say|rather not|id rather not say) (?:whats next|next|next one)",
            rf"{_I_WANT}?(?:skip|pass|next|move on)(?: (?:this|that|it|this one|that one|this question|that question|the question|please|on this|on that|on this one))*",
            r"(?:next (?:one|question|please)|pass|skip it|skip this one|not this one|not that one|another question|different question|i pass)",
            r"(?:id|i would|i d) (?:rather|prefer) not(?: (?:to )?(?:answer|say|go into (?:it|that)|talk about (?:it|that)))?(?: (?:this one|that one|this time|thanks|sorry))*",
            r"(?:rather not|prefer not to (?:say|answer)|no answer|no comment|dont want to answer(?: (?:this|that|it))?(?: one)?|i dont want to answer(?: (?:this|that|it))?(?: one)?|not answering (?:this|that))",
        ),
    ),
    Command(
        name="change_topic",
        intent="change_topic",
        steps=("action_change_topic",),
        in_form=LEAVE,
        label="change topic",
        grammar=_g(
            r"(?:.{0,30} )?(?:switch|swap|try another|another one|try a different one)(?: please| pls)?",
            rf"{_I_WANT}?(?:pick|choose|do|try|have) a different (?:area|topic|theme|one|subject)(?: to think about| to talk about)?",
            r"chnage (?:the )?(?:subject|topic|theme)|change the subject",
            rf"{_I_WANT}?(?:move|go) on to something (?:about|on|else about) \\w+",
            r"(?:this|the) (?:topic|theme|subject|one) (?:isnt|is not|doesnt|does not|aint) (?:for me|working|doing it for me)(?: today| right now)?",
            rf"{_I_WANT}(?:talk about|do|try|switch to|go to|move to) .{{1,40}} instead",
            r"(?:.{0,40} )?(?:can we switch|can we change (?:it|this|topic|topics|the topic)|something else|a different topic|another topic)",
            rf"{_I_WANT}?(?:talk about|do|try|switch to|move to|go to|go on to|have) (?:something|anything|somewhere) (?:else|different)(?: instead)?",
            rf"{_I_WANT}?(?:do|talk about|try|switch to|go to|move to|have) (?:the one about |a different |another |)(?:hope|identity|meaning|connection|connectedness|empowerment|strengths|purpose|people|choices|a different one|another one|a different area|another area)(?: instead)?(?: of this(?: one)?)?",
            rf"{_I_WANT}?(?:switch|move|go|change) to (?:a |an |)(?:new|different|other|another) (?:topic|theme|area|subject|one)",
            rf"{_I_WANT}?(?:leave|drop|stop) this (?:theme|topic|subject)(?: and (?:do|try|pick|talk about) (?:another|a different|something else)(?: one)?)?",
            r"(?:a |an )?(?:other|different|new|another) (?:topic|theme|area|subject)(?: pls| please)?",
            rf"{_I_WANT}?(?:change|switch|swap)(?: (?:the|to (?:a|another)|a))? (?:topic|topics|subject|theme|themes)(?: .{{0,15}})?",
            rf"{_I_WANT}?(?:talk about|do|try|pick|choose|go to) (?:something else|another (?:topic|theme|one)|a different (?:topic|theme|one)|other (?:topics|themes))",
            r"(?:something else|different topic|another topic|new topic|other topics|different theme|another theme|back to the (?:menu|themes|topics)|show (?:me )?the (?:themes|topics|menu)|(?:the )?menu|topics|themes)",
        ),
    ),
    Command(
        name="help",
        intent="help",
        steps=("utter_help", "utter_help_commands", "utter_crisis_contacts"),
        in_form=ASIDE,
        label="see what I can do",
        grammar=_g(
            r"explain(?: pls| please| it| this)?",
            r"how do i use this(?: thing| app| chat)?",
            r"(?:please |)explain (?:me |)how (?:it|this) works?",
            r"what options do i have",
            r"(?:erm |um |so |)what (?:happens|do i do) now",
            r"what are (?:my|the) options",
            r"what can i (?:type|say|write|do|put) (?:in )?(?:here|this)?",
            r"what commands (?:are there|do you have|can i use)",
            r"(?:can you |please |)explain (?:this|it|how this works)(?: to me)?(?: .{0,50})?",
            r"what (?:does|do) (?:it|this|you) do",
            r"(?:can you |could you |please |)tell me what i (?:can|should|could) (?:say|type|do|write|ask)",
            r"what am i (?:meant|supposed|expected) to (?:write|put|say|do|type|answer)(?: here)?",
            r"(?:explain|tell me) (?:how (?:this|it) works|what (?:this|it) is|what to do)(?: please| pls)?",
            r"help me understand(?: how (?:this|it) works| what (?:this|it) is| this)?",
            r"how (?:does|dose|do|dos) (?:this|it|the) (?:chat |app |bot |)(?:thing |)work",
            r"(?:i dont get it|i dont understand)(?: what (?:is|s) this| what (?:this|it) is| how (?:this|it) works| what to do)?",
            r"what are (?:the|your) (?:commands|options|rules)",
            r"(?:whats|what is) the point of (?:this|you|it)(?: app| bot| chat| thing)?",
            r"who (?:made|built|runs|owns) (?:this|you)(?: .{0,25})?",
            r"(?:help|help pls|help please|helpp+|\?+|huh|what|wat)",
            r"(?:what|wat|wht) (?:is|s) (?:this|that|going on|happening)(?: (?:thing|place|app|bot|chat|even|about|for))*",
            r"(?:whats|wats) (?:this|that|going on|happening)(?: (?:thing|place|app|bot|chat|even|about|for))*",
            r"(?:who|what) (?:are|r) (?:you|u)(?: (?:exactly|even|for))*",
            r"(?:are you|r u|is this) (?:a )?(?:bot|robot|real|human|person|ai|computer|machine)(?: .{0,12})?",
            r"how (?:does|do) (?:this|it|you|u) work(?: .{0,10})?",
            rf"{_I_WANT}?(?:what can (?:i|you) (?:do|type|say|ask)|how do i use this|what do i (?:do|type|say)|what am i (?:meant|supposed) to (?:do|say|type))(?: here| now)?",
            r"(?:im|i am) (?:confused|lost|not sure what to do|not sure what this is)(?: .{0,12})?",
            r"(?:commands|options|instructions|menu options|show (?:me )?(?:the )?(?:commands|options))",
        ),
    ),
    Command(
        name="what_is_saved",
        intent="ask_what_is_saved",
        steps=("action_explain_privacy",),
        in_form=ASIDE,
        label="hear what I save",
        grammar=_g(
            r"(?:are|r) (?:you|u) (?:recording|saving|storing|keeping|logging) (?:this|it|what i (?:say|write))",
            r"(?:do|does|will) (?:you|u|it|this) (?:save|store|keep|record) (?:this|it|my|what|stuff|this stuff)(?: .{0,15})?",
            r"(?:is|will) my \\w+(?: \\w+)? (?:going to |gonna |be able to |)(?:see|read) (?:this|it|my answers|what i write)",
            r"what (?:info|information|data|stuff) (?:have you got|do you have|you got) (?:on|about) me",
            r"is (?:this|it) (?:confidential|private)(?: .{0,40})?",
            r"(?:does|do|will|can) (?:my )?(?:key ?worker|worker|therapist|counsellor|counselor|doctor|staff|peer worker|the team|anyone|anybody|someone) (?:get to )?(?:see|read|look at) (?:these|this|my answers|what i (?:write|say|type)|them|it)(?: .{0,15})?",
            r"(?:what|wat) happens to (?:what i (?:type|write|say)|my (?:answers|words|data|reflections)|this)(?: .{0,15})?",
            r"what (?:data|info|information|stuff) (?:do|will|did) you (?:keep|have|hold|store|save|collect)(?: (?:on|about) me)?",
            r"(?:what|which|wat) (?:do|will|did|does|are) (?:you|u|this|it) (?:save|store|keep|record|remember|log|hold|collect)(?: .{0,25})?",
            r"(?:what|wat)(?:s| is| gets| does| do) (?:saved|stored|kept|recorded|logged|get saved|get stored|being saved|being stored)(?: .{0,25})?",
            r"(?:is|are|will|does|do) (?:this|it|my|what i|these|the|anything|any of this|you) .{0,30}(?:saved|stored|kept|recorded|private|confidential|logged|save|store|keep|record)(?: .{0,20})?",
            r"who (?:can|will|gets to|could) (?:see|read|look at|access)(?: .{0,30})?",
            r"(?:where|how long) (?:does|do|is|are|will) .{0,30}(?:go|kept|stored|saved|keep|store|save)(?: .{0,15})?",
            r"(?:privacy|my privacy|privacy policy|data policy|my data|your data policy|is this private|is it private|is this confidential|is it confidential|is this anonymous|confidentiality)",
        ),
    ),
    Command(
        name="look_back",
        intent="look_back",
        steps=("action_look_back",),
        in_form=ASIDE,
        label="look back at what you saved",
        grammar=_g(
            rf"{_I_WANT}?(?:see|show me|read) (?:everything|all|what) i(?:ve| have) (?:answered|written|said|put)(?: so far| before)?",
            rf"{_I_WANT}?(?:show|see|read) (?:me )?(?:last weeks|yesterdays|last times|my last|my old|my previous|my past) (?:answers|reflections|stuff|entries)",
            rf"{_I_WANT}?read back (?:through |over |)(?:my |)(?:answers|reflections|stuff|entries)",
            r"remind me (?:what|wat) i (?:said|wrote|put) about \\w+(?: \\w+)?",
            r"what have i (?:written|said|put|answered)(?: so far| before)?",
            r"(?:show me |see |display |open |)(?:my |the |)(?:history|past entries|old entries|old stuff|previous entries)(?: please| pls)?",
            rf"{_I_WANT}?(?:show|read|see) (?:me )?(?:back )?(?:everything|all|what) i(?:ve| have) (?:written|said|typed|put)(?: so far| before| here)?",
            rf"{_I_WANT}?read back (?:my |the |)(?:old |previous |past |)(?:stuff|answers|reflections|entries|notes)",
            r"(?:what|wat|wht) did i (?:say|write|put|type) (?:yesterday|last time|before|last week|earlier|the other day)",
            r"what (?:were|are|was) my (?:old |previous |past |last |earlier |)(?:answers|reflections|answer|reflection)(?: (?:from before|from last time|last time|before|again))?",
            rf"(?:remind me|show me|tell me) (?:what|wat) i (?:said|wrote|put|typed|answered){_TAIL}(?: (?:session|time|week))?",
            r"what did i (?:say|write|put|answer|type|save) (?:last|in the last|the last|previous|earlier) (?:session|time|week|chat)",
            r"look back(?: (?:at|on|over) (?:my |the |those |what i (?:wrote|said|saved|put) ?|them|it)?(?:saved |old |past |previous |last )?(?:answers|reflections|entries|notes|stuff|them|it|ones|time)?)?",
            rf"{_I_WANT}?(?:show|see|read|view|check|look at|open|pull up|bring up|go over|go back to|get) {_ME}{_MY}(?:old|past|previous|earlier|saved|last|former|other)? ?(?:answers|reflections|entries|notes|words|stuff|ones|replies|responses|reflection|answer|things i (?:wrote|said|saved)){_TAIL}",
            rf"{_I_WANT}?(?:see|read|show me|check|remember|know) what i (?:wrote|said|saved|put|typed|answered){_TAIL}",
            rf"what did i (?:say|write|put|answer|type|save){_TAIL}",
            r"(?:my )?(?:saved|past|old|previous|earlier) (?:reflections|answers|entries|stuff)",
        ),
    ),
    Command(
        name="delete_reflections",
        intent="delete_reflections",
        steps=("action_ask_delete",),
        in_form=LEAVE,
        label="delete your saved reflections",
        sets={"pending_question": "delete"},
        grammar=_g(
            r"(?:get rid of|delete|remove|erase|wipe) everything i (?:wrote|said|typed|put)(?: in (?:the |my )?reflections| here| before)?",
            r"(?:remove|delete|erase|wipe) (?:it|that|them)(?: please| pls| now)?",
            r"i want (?:my|the) (?:reflections|answers|entries) (?:deleted|removed|gone|erased|wiped)(?: .{0,15})?",
            r"(?:can you |please |)take (?:my|the) (?:answers|reflections|entries|stuff) (?:off|down|away)(?: .{0,15})?",
            rf"{_I_WANT}?(?:dlete|delet|deleet|delte|del) (?:my |the |all my |)(?:reflections|answers|entries|stuff){_TAIL}",
            rf"{_I_WANT}?(?:delete|remove|erase|wipe|clear|get rid of) (?:the |my |all the |)(?:stuff|things|answers|reflections|words|entries) i (?:wrote|gave|said|typed|put|saved)(?: (?:in my reflections|here|before|earlier|so far))?",
            r"(?:can|could) (?:my|the) (?:answers|reflections|entries) be (?:deleted|removed|erased|wiped)",
            rf"{_I_WANT}?(?:delete|remove|erase|wipe|clear) what ive (?:written|said|saved|typed|put)(?: so far| here| before)?",
            rf"{_I_WANT}?(?:delete|remove|erase|clear|wipe|bin|scrap|get rid of|trash|destroy) {_MY}(?:saved |old |past |previous )?(?:reflections|answers|entries|notes|responses|replies|reflection|answer){_TAIL}",
            rf"{_I_WANT}?(?:delete|remove|erase|wipe|clear|scrap|bin) (?:them|those|what i (?:wrote|said|saved|put|typed)){_TAIL}",
        ),
    ),
    Command(
        name="delete_everything",
        intent="delete_everything",
        steps=("action_ask_delete_everything",),
        in_form=LEAVE,
        label="delete everything about you",
        sets={"pending_question": "delete_everything"},
        grammar=_g(
            r"i (?:want|wanna|would like|d like) to be (?:completely |totally |)(?:removed|deleted|erased|forgotten)(?: .{0,20})?",
            r"(?:completely|totally) (?:removed|deleted|erased|forgotten)(?: please| pls)?",
            r"(?:remove|delete|wipe|erase) everything(?: .{0,25})?",
            r"(?:please |)(?:permanently |completely |)(?:delete|clear|remove|wipe|erase|get rid of) (?:it all|every (?:single |last |)(?:thing|bit)|all of it|every last bit)(?: .{0,30})?",
            r"forget (?:i was (?:ever )?here|i ever (?:came|was here)|this ever happened)",
            r"(?:i want |)(?:every trace of me|all trace of me|my whole account|my entire account|my account) (?:deleted|removed|gone|erased|wiped)(?: .{0,20})?",
            r"(?:please |)(?:permanently |completely |)(?:delete|remove|erase|wipe) (?:all |)(?:my |)(?:data|details|info|information)(?: .{0,20})?",
            rf"{_I_WANT}(?:forget (?:me|everything|about me|everything about me|all about me|i exist)|(?:delete|erase|wipe) (?:everything|it all|all of it))(?: .{{0,20}})?",
            rf"{_I_WANT}?(?:delete|remove|erase|clear|wipe|nuke|destroy|purge|scrub) (?:all |the whole |everything |)(?:of )?(?:my |this |the |)(?:whole |entire |)(?:details|data|history|stuff|lot|conversation|chat|account|info|information|messages|records)(?: and (?:all |)(?:my |the |this |)(?:whole |)(?:details|data|history|stuff|conversation|chat|account|info|information|messages|records|everything))*(?: (?:all of it|completely|entirely|too))*{_TAIL}",
            r"(?:remove|delete|erase|wipe) me (?:completely|entirely|from (?:this|here|the system|your system|everything))",
            r"i want (?:everything|it all|all my data|all of it) (?:deleted|removed|erased|wiped|gone)(?: .{0,40})?",
            rf"{_I_WANT}?(?:delete|remove|erase|clear|wipe|destroy|scrub|purge|get rid of) (?:everything|it all|all of it|all|me|everything about me|all (?:of )?(?:my|the|this) (?:data|info|information|stuff|history|chats|messages|conversations?|records)|(?:my|the|this) (?:whole |entire |)(?:data|account|info|information|history|conversation|conversations|chat|chats|chat history|messages|records|profile)|all (?:my|the) (?:data|info|information|stuff|history)|all trace of me|every ?thing){_TAIL}",
            r"(?:forget (?:me|everything|about me|everything about me|i exist|all of (?:this|it|me))|right to be forgotten|erase me|wipe me)",
        ),
    ),
    Command(
        name="stop_saving",
        intent="withdraw_consent",
        steps=("action_withdraw_consent",),
        in_form=ASIDE,
        label="stop saving",
        sets={"pending_question": None},
        grammar=_g(
            r"(?:please |)(?:dont|do not) (?:write|note|put) (?:this|it|that|anything) down(?: anywhere)?",
            r"(?:from now on |)(?:dont|do not) (?:save|store|keep) anything(?: from now on)?",
            r"(?:i )?(?:withdraw|take back|revoke) my consent(?: to (?:saving|this|that|it))?",
            r"keep (?:this|it|that|me) off the record",
            r"(?:from now on |)nothing (?:gets|should get|is to be|to be) (?:stored|saved|kept)(?: .{0,15})?",
            r"opt me out(?: of (?:saving|this|storing))?",
            r"stop saving my \\w+(?: pls| please)?",
            r"i changed my mind about (?:you )?(?:keeping|saving|storing) (?:my answers|my stuff|it|them|things)",
            r"(?:can|could) you not (?:save|keep|store|record) (?:what i (?:write|say|type)|my (?:answers|stuff|words|reflections)|anything|this)(?: from now(?: on)?)?",
            r"(?:i )?(?:dont|do not) consent to (?:you )?(?:keeping|saving|storing) (?:my|what i|it|them|this|anything)(?: .{0,25})?",
            r"(?:saving|recording) off",
            rf"(?:dont|do not) save my (?:stuff|answers|words|reflections|data){_WHAT}",
            rf"{_I_WANT}?(?:stop|quit|no more|cease) (?:saving|storing|keeping|recording|logging){_WHAT}",
            rf"(?:please |)(?:dont|do not|don t|pls dont|please dont) (?:save|store|keep|record|log){_WHAT}",
            rf"(?:i )?(?:withdraw|take back|revoke|cancel|remove|pull) (?:my )?consent{_WHAT}",
            rf"(?:i )?(?:dont|do not|no longer) (?:want|consent|agree)(?: (?:you|it|this|them|my answers|anything))? (?:to be |to )?(?:saved|stored|kept|recorded|save|store|keep|record){_WHAT}",
            rf"(?:turn|switch) off (?:the )?(?:saving|recording|storing){_WHAT}",
            r"(?:no saving|unsave|stop saving|dont save|do not save|nothing saved|dont keep (?:it|this|anything))",
        ),
    ),
    Command(
        name="save_now",
        intent="give_consent",
        steps=("action_grant_consent",),
        in_form=ASIDE,
        label="save your reflections",
        sets={"pending_question": None},
        grammar=_g(
            r"(?:please |)hold on to (?:these|them|this|it|my answers)(?: for me)?",
            r"keep my (?:answers|reflections|stuff)(?: so i can (?:look|see|read)(?: at them| back)?(?: later)?)?",
            r"(?:start|turn on) saving(?: again| please)?",
            r"(?:yes |yeah |)(?:im |i am |)(?:happy|fine|ok|okay) for you to (?:keep|save|store) (?:this|these|them|it)",
            r"save (?:pls|please|now)",
            r"(?:please |)keep a record of (?:my answers|what i (?:write|say)|this|them|it)",
            r"(?:im |i am |)(?:happy|ok|okay|fine) for you to (?:store|save|keep|hold on to) (?:these|them|it|my .{0,15}|what i .{0,10})",
            r"you can (?:hold on to|hang on to|keep hold of) (?:what i (?:write|say)|my (?:answers|words|stuff)|them|it)",
            r"(?:yeah |yes |ok |)keep them(?: .{0,30})?",
            r"(?:turn|switch|put) (?:saving|it|the saving) (?:back )?on(?: please| now| again)?",
            r"(?:please |)keep my (?:answers|reflections|stuff|words)(?: please| pls| then| now)?",
            r"(?:yes |yep |yeah |ok |okay |please |)save (?:it|this|this one|that|my reflections|my answers|my stuff|my words|them|everything)(?: please| pls| now)?",
            r"(?:yes|yep|yeah|ok|okay) save",
            r"i (?:want|would like|d like) (?:you to keep|you to save|you to store) what i (?:write|wrote|say|said|type)",
            r"(?:id|i would|i d) like (?:my|the) (?:answers|reflections|stuff|words) (?:stored|saved|kept)",
            rf"(?:(?:yes|yeah|ok|okay|sure|fine|alright) )?(?:you can|u can|please|pls|go ahead and|do|ok|okay|yes|yeah|go on) (?:save|store|keep|record)(?: (?:after all|it all|all of it)|{_WHAT})",
            rf"(?:save|store|keep) (?:them|these|my (?:reflections|answers|stuff|words|responses)|what i (?:wrote|said|write|say)|it all|everything i (?:wrote|said)){_WHAT}",
            rf"{_I_WANT}?(?:start|turn on|switch on|resume) (?:saving|storing|keeping){_WHAT}",
            r"(?:i )?(?:consent|agree|give consent|give my consent|changed my mind about saving)(?: (?:to (?:saving|you saving|it being saved|it|that)|now))*",
            r"i (?:want|would like|d like) (?:you to (?:save|keep|store) (?:them|it|these|my (?:answers|reflections|stuff|words))|(?:them|it|my (?:answers|reflections|stuff|words)) (?:saved|kept|stored))(?: (?:now|please|after all|thanks))*",
        ),
    ),
    Command(
        name="talk_to_person",
        intent="request_human",
        steps=("action_request_human",),
        in_form=LEAVE,
        label="talk to a person",
        grammar=_g(
            r"(?:can i |could i |)message my (?:key ?worker|peer worker|support worker|worker)(?: through here| from here| here)?",
            r"i need my (?:peer|key|support) ?worker(?: now| please)?",
            rf"{_I_WANT}?(?:speak|talk|chat) (?:to|with) (?:a )?member of (?:staff|the team)",
            r"not a (?:bot|robot|machine|computer)(?: pls| please)?,? (?:a |an |)(?:person|human|real person)",
            r"(?:please |)connect me (?:with|to) (?:a |an |my |)(?:counsellor|counselor|person|human|worker|real person|staff|someone real)(?: please)?",
            r"(?:i want |i need |)(?:someone|somebody) real(?: please| now)?",
            r"(?:can i |could i |i want to |i need to |)(?:talk|tlk|speak) to (?:someone|somebody) who works (?:there|here|for you|with you)",
            r"is (?:anyone|anybody|someone) (?:there|real|around)(?: like a real person| a real person)?",
            r"(?:put me through|connect me|transfer me) to my (?:peer|key|support) ?worker",
            rf"{_I_WANT}?(?:talk|speak|chat) (?:to|with) (?:my |a |the |)(?:support|peer|key) ?worker(?: .{{0,20}})?",
            rf"{_I_WANT}?(?:get hold of|reach|contact|get in touch with|speak with) (?:a |my |the |an |)(?:worker|staff|staff member|person|human|support worker|peer worker|key worker|keyworker|counsellor|counselor)(?: .{{0,15}})?",
            r"(?:can i |could i |i want to |)(?:talk|tlk|speak) to (?:someone|somebody|a person) (?:who works (?:there|here|for you|with you)|from (?:there|here|the team))",
            rf"{_I_WANT}?(?:talk|speak|chat) (?:to|with) (?:a )?member of (?:staff|the team)(?: now| please)?",
            r"(?:can|could) (?:someone|somebody) (?:from|on) (?:the )?(?:staff|team|programme|program) (?:message|call|contact|text|ring) me(?: .{0,15})?",
            r"(?:i )?(?:need|want) (?:a |an )?(?:real|actual|proper) (?:person|human)(?: (?:right now|now|please))?(?: not (?:a |an )?(?:chatbot|bot|robot|computer|machine|ai))?",
            r"is there (?:a person|someone|somebody|anyone|anybody|a human)(?: real)? i can (?:speak|talk|chat) to(?: .{0,15})?",
            r"(?:put me through|connect me|transfer me) to (?:someone|somebody|a person|a human|staff|a real person)(?: .{0,15})?",
            rf"{_I_WANT}?(?:talk|speak|chat|text|message) (?:to|with) (?:a |an |some |)(?:real |actual |live |human |proper |)(?:person|human|staff|staff member|worker|peer worker|peer supporter|support worker|counsellor|counselor|therapist|key worker|keyworker|one of the team|the team|someone real|somebody real|a real one|an actual person|a human being|human being|someone from (?:the )?(?:programme|program|team|staff)){_TAIL}",
            rf"{_I_WANT}(?:talk|speak|chat) (?:to|with) (?:someone|somebody|anyone|anybody)(?: (?:now|please|pls|real|here|who works here|from the team|from staff|today|asap))*",
            rf"{_I_WANT}?(?:get|have|see|reach|contact|call) (?:me )?(?:a |an |)(?:real |actual |live |)(?:person|human|staff|worker|someone real|somebody real|human being|peer worker|counsellor|counselor){_TAIL}",
            r"(?:a )?(?:real|actual|live|proper) (?:person|human|people)(?: please| pls| now)*",
            r"(?:human|a human|human please|person please|agent|operator|real person please|staff please|is (?:there )?(?:anyone|anybody|someone|a person|a human) (?:there|real|around|i can talk to))",
            r"(?:can|could) (?:someone|somebody|a person|a human|staff|my worker) (?:call|contact|ring|text|phone|message|reach) me(?: (?:back|now|please|today|asap|soon))*",
            r"i (?:want|need|would like|d like) (?:a|to talk to a|to speak to a|a real|an actual) (?:person|human|human being)(?: (?:now|please|pls|to talk to|instead))*",
        ),
    ),
    Command(
        name="grounding",
        intent="request_grounding",
        steps=("utter_grounding", "utter_grounding_after"),
        in_form=LEAVE,
        label="try a grounding exercise",
        grammar=_g(
            r"(?:can we |lets |)(?:do|try) (?:the |a |some |)(?:breathing|grounding)(?: thing| exercise)?(?: with me)?(?: please| pls| now)?",
            r"(?:a |some |)(?:breathing|grounding) (?:exercise|thing)",
            r"(?:(?:a )?panic attack (?:starting|coming on|now))",
            r"(?:i )?need to (?:chill|chill out|calm down|settle down)(?: .{0,20})?",
            r"(?:can you |could you |please |)talk me (?:through|down)(?: some| a| with)?(?: breathing| grounding| a breathing exercise| something)?",
            r"(?:a )?(?:grounding|breathing|calming) (?:exercise|thing) (?:please|pls|now|asap)",
            r"(?:help me|can you help me) (?:get|feel|be) (?:calm|calmer|grounded)(?: .{0,10})?",
            r"(?:i )?need (?:a minute|a moment|a sec|to) (?:to )?(?:settle|slow down|calm down|breathe)(?: down)?",
            r"(?:im |i am |)having (?:a )?panic attack(?: i think| right now| now)?",
            r"(?:.{0,40} )?(?:can you |could you |please |)ground me(?: please| now)?",
            rf"{_I_WANT}?(?:do |try |have |)something to (?:calm me down|help me calm down|ground me|help me breathe)",
            r"(?:.{0,40} )?(?:i )?need a (?:minute|moment|sec|second) to (?:breathe|calm down|ground myself)",
            r"(?:.{0,40} )?(?:help me|can you help me|please help me) (?:calm down|breathe|ground myself|relax|settle)(?: .{0,15})?",
            r"(?:im|i am) (?:panicking|panickin|panicing|freaking out)(?: (?:right now|now|rn|a bit))*",
            rf"{_I_WANT}(?:do |try |have |)(?:a |some |the |)(?:grounding|breathing|calming|relaxation) (?:exercise|thing|technique|exercises)",
            r"(?:grounding|ground me|grounding please|calm me down|help me breathe)",
            rf"{_I_WANT}?(?:help me |)(?:calm (?:down|myself|me down)|breathe|relax|ground (?:myself|me)|slow (?:down|my breathing)|settle|do (?:a |some )?(?:grounding|breathing)){_TAIL}",
            rf"help me (?:calm|breathe|relax|ground|settle|slow down)(?: down| myself| me)?{_TAIL}",
            r"(?:i )?(?:need|want) (?:a minute to breathe|to breathe|to calm down|to ground myself|a breather|something to calm me down)(?: (?:now|please|right now|rn))*",
            r"(?:im |i am |)(?:having a |)panic attack(?: (?:now|right now|rn|help))*",
        ),
    ),
    Command(
        name="not_safe",
        intent="not_safe",
        steps=("action_safety_followup",),
        in_form=LEAVE,
        label="get help now",
        may_ask=False,  # safety first: never asked about, only honoured
        grammar=_g(
            r"crisis|im in crisis|in crisis",
            r"(?:someone|somebody|anyone) (?:please |)help me(?: now| please| quick)?",
            r"(?:emergency|urgent)(?: please)? help(?: me)?(?: please| now)?",
            r"(?:im|i am|i m) in (?:a )?crisis(?: (?:right now|now|rn|tonight|today))*",
            r"(?:i )?(?:m |am |)(?:im |)(?:not|dont feel|do not feel|dont|do not) (?:feel )?safe(?: (?:right now|now|rn|at home|here|tonight|today|at the moment|atm|anymore|any more))*",
            r"(?:im|i am|i m) not (?:safe|ok|okay|alright|all right) (?:right now|now|rn|at the moment|atm|tonight|today)(?: (?:help|please|i need help))*",
            r"(?:i )?(?:need|want) (?:help|urgent help|help now|help right now|someone now|help asap)(?: (?:now|right now|please|asap|pls|quick|urgently|fast))*",
            r"(?:help me|please help|please help me|help me please|sos|emergency|its an emergency|this is an emergency|urgent|i need help)(?: (?:now|right now|please|asap|pls|quick|urgently|fast))*",
            r"(?:im|i am) (?:in danger|scared for my safety|unsafe|not safe)(?: (?:right now|now|rn|at home|here|tonight|today))*",
        ),
    ),
)

_BY_NAME = {c.name: c for c in COMMANDS}
_BY_INTENT = {i: c for c in COMMANDS for i in c.intents}


def by_name(name: str) -> Command:
    return _BY_NAME[name]


def by_intent(intent: str | None) -> Command | None:
    """The command an intent carries (``goodbye`` is ``stop`` inside a prompt)."""
    return _BY_INTENT.get(intent or "")


_COMPILED = tuple(
    (command, re.compile(rf"{_LEAD}(?:{'|'.join(command.grammar)}){_NOW}"))
    for command in COMMANDS
)
#: Checked in this order: safety and leaving first, so "i need help" is not_safe and not help.
_ORDER = ("not_safe", "talk_to_person", "delete_everything", "delete_reflections", "stop_saving",
          "save_now", "look_back", "what_is_saved", "grounding", "change_topic", "skip", "help", "stop")  # fmt: skip


_OWN_WORDS = re.compile(r"\bi (?:wrote|said|typed|put|answered)\b|\banswers?\b|\breflections?\b")
_CLAUSE_BREAK = re.compile(r"\s*(?:[,;:.!?]+|\s-\s|\s\u2013\s)\s*")


#: The words commands are made of, for fixing one slip of the finger in a short message.
KEYWORDS = (
    "stop", "skip", "help", "save", "saving", "delete", "everything", "reflections", "answers",
    "grounding", "breathing", "exercise", "person", "human", "topic", "change", "consent", "private",
    "show", "history", "talk", "speak", "please", "saved", "store", "record", "remove", "erase",
)  # fmt: skip
_ADJACENT = {a: set(b) for a, b in (
    ("q", "wa"), ("w", "qes"), ("e", "wrd"), ("r", "etf"), ("t", "ryg"), ("y", "tuh"), ("u", "yij"),
    ("i", "uok"), ("o", "ipl"), ("p", "ol"), ("a", "qsz"), ("s", "awdz"), ("d", "sefx"), ("f", "drgc"),
    ("g", "fthv"), ("h", "gyjb"), ("j", "hukn"), ("k", "jilm"), ("l", "kop"), ("z", "asx"), ("x", "zsdc"),
    ("c", "xdfv"), ("v", "cfgb"), ("b", "vghn"), ("n", "bhjm"), ("m", "njk"),
)}  # fmt: skip


def _slip(word: str, keyword: str) -> bool:
    """One slip: a doubled letter, two letters swapped, one left out, or a neighbouring key."""
    if word == keyword or len(keyword) < 4:
        return False
    if word == keyword + keyword[-1]:
        return True
    if len(word) == len(keyword):
        diff = [i for i, (a, b) in enumerate(zip(word, keyword, strict=False)) if a != b]
        if len(diff) == 2 and diff[1] == diff[0] + 1 and word[diff[0]] == keyword[diff[1]] and word[diff[1]] == keyword[diff[0]]:
            return True
        return len(diff) == 1 and word[diff[0]] in _ADJACENT.get(keyword[diff[0]], ())
    if len(word) == len(keyword) - 1:
        return any(keyword[:i] + keyword[i + 1 :] == word for i in range(len(keyword)))
    return False


def fix_slips(normalised: str) -> str:
    """The message with each word one slip from a command keyword replaced by it."""
    out = []
    for word in normalised.split():
        fixed = next((k for k in KEYWORDS if _slip(word, k)), word)
        out.append(fixed)
    return " ".join(out)


def grammar_match(normalised: str) -> Command | None:
    """The command whose grammar matches the whole (normalised) message, if any."""
    found = {command.name for command, pattern in _COMPILED if pattern.fullmatch(normalised)}
    if {"delete_everything", "delete_reflections"} <= found and _OWN_WORDS.search(normalised):
        found.discard("delete_everything")  # "delete the stuff i wrote" is the reflections
    for name in _ORDER:
        if name in found:
            return _BY_NAME[name]
    return None


def clause_match(text: str, normalise) -> Command | None:
    """A short message in clauses, ending in a command ("not feeling it today, going to
    stop here"): the last clause, of two words or more, is the command."""
    clauses = [c for c in _CLAUSE_BREAK.split(text or "") if c.strip()]
    if len(clauses) < 2:
        return None
    last = normalise(clauses[-1])
    return grammar_match(last) if len(last.split()) >= 2 else None

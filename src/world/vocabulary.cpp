// The world's vocabulary table.
#include "world/vocabulary.h"

#include <array>

namespace kinema::world {
namespace {

constexpr Meaning m(Concept c, int v = 0) { return {c, v}; }
constexpr int v(auto e) { return static_cast<int>(e); }

using C = Concept;

// Order matters only within a meaning: the first phrase is the plainest, used where a caption wants plain
// words. The parser matches the longest phrase at each position.
constexpr Phrase kPhrases[] = {
    // colours
    {"red", m(C::colour, v(Colour::red))}, {"crimson", m(C::colour, v(Colour::red))}, {"scarlet", m(C::colour, v(Colour::red))},
    {"cherry red", m(C::colour, v(Colour::red))},
    {"orange", m(C::colour, v(Colour::orange))}, {"tangerine", m(C::colour, v(Colour::orange))}, {"amber", m(C::colour, v(Colour::orange))},
    {"yellow", m(C::colour, v(Colour::yellow))}, {"lemon", m(C::colour, v(Colour::yellow))}, {"golden", m(C::colour, v(Colour::yellow))},
    {"green", m(C::colour, v(Colour::green))}, {"emerald", m(C::colour, v(Colour::green))}, {"lime", m(C::colour, v(Colour::green))},
    {"blue", m(C::colour, v(Colour::blue))}, {"azure", m(C::colour, v(Colour::blue))}, {"cobalt", m(C::colour, v(Colour::blue))},
    {"navy", m(C::colour, v(Colour::blue))},
    {"purple", m(C::colour, v(Colour::purple))}, {"violet", m(C::colour, v(Colour::purple))}, {"lilac", m(C::colour, v(Colour::purple))},
    {"pink", m(C::colour, v(Colour::pink))}, {"rose", m(C::colour, v(Colour::pink))}, {"fuchsia", m(C::colour, v(Colour::pink))},
    {"hot pink", m(C::colour, v(Colour::pink))},
    {"white", m(C::colour, v(Colour::white))}, {"ivory", m(C::colour, v(Colour::white))}, {"snow white", m(C::colour, v(Colour::white))},
    {"snowy", m(C::colour, v(Colour::white))},
    // sizes
    {"small", m(C::size, v(Size::small))}, {"tiny", m(C::size, v(Size::small))}, {"little", m(C::size, v(Size::small))},
    {"medium", m(C::size, v(Size::medium))}, {"medium sized", m(C::size, v(Size::medium))}, {"mid sized", m(C::size, v(Size::medium))},
    {"large", m(C::size, v(Size::large))}, {"big", m(C::size, v(Size::large))},
    // things
    {"ball", m(C::kind, v(Kind::ball))}, {"rubber ball", m(C::kind, v(Kind::ball))}, {"sphere", m(C::kind, v(Kind::ball))},
    {"box", m(C::kind, v(Kind::box))}, {"crate", m(C::kind, v(Kind::box))}, {"cube", m(C::kind, v(Kind::box))},
    {"block", m(C::kind, v(Kind::box))}, {"wooden box", m(C::kind, v(Kind::box))}, {"wooden crate", m(C::kind, v(Kind::box))},
    {"glass", m(C::kind, v(Kind::glass))}, {"drinking glass", m(C::kind, v(Kind::glass))}, {"tumbler", m(C::kind, v(Kind::glass))},
    {"vase", m(C::kind, v(Kind::glass))}, {"glass vase", m(C::kind, v(Kind::glass))},
    {"character", m(C::kind, v(Kind::character))}, {"figure", m(C::kind, v(Kind::character))}, {"person", m(C::kind, v(Kind::character))},
    {"kid", m(C::kind, v(Kind::character))}, {"man", m(C::kind, v(Kind::character))}, {"woman", m(C::kind, v(Kind::character))},
    {"girl", m(C::kind, v(Kind::character))}, {"boy", m(C::kind, v(Kind::character))}, {"child", m(C::kind, v(Kind::character))},
    {"guy", m(C::kind, v(Kind::character))}, {"stick figure", m(C::kind, v(Kind::character))}, {"stickman", m(C::kind, v(Kind::character))},
    {"little person", m(C::kind, v(Kind::character))}, {"someone", m(C::kind, v(Kind::character))},
    {"balls", m(C::kinds, v(Kind::ball))}, {"spheres", m(C::kinds, v(Kind::ball))},
    {"boxes", m(C::kinds, v(Kind::box))}, {"crates", m(C::kinds, v(Kind::box))}, {"cubes", m(C::kinds, v(Kind::box))},
    {"blocks", m(C::kinds, v(Kind::box))},
    {"glasses", m(C::kinds, v(Kind::glass))}, {"tumblers", m(C::kinds, v(Kind::glass))}, {"vases", m(C::kinds, v(Kind::glass))},
    {"characters", m(C::kinds, v(Kind::character))}, {"figures", m(C::kinds, v(Kind::character))}, {"people", m(C::kinds, v(Kind::character))},
    {"kids", m(C::kinds, v(Kind::character))}, {"men", m(C::kinds, v(Kind::character))}, {"women", m(C::kinds, v(Kind::character))},
    {"girls", m(C::kinds, v(Kind::character))}, {"boys", m(C::kinds, v(Kind::character))}, {"children", m(C::kinds, v(Kind::character))},
    {"dress", m(C::outfit)}, {"shirt", m(C::outfit)}, {"t shirt", m(C::outfit)}, {"jacket", m(C::outfit)}, {"hoodie", m(C::outfit)},
    {"coat", m(C::outfit)}, {"sweater", m(C::outfit)}, {"outfit", m(C::outfit)}, {"clothes", m(C::outfit)}, {"wearing", m(C::filler)},
    // floors and patches
    {"wooden floor", m(C::floor, v(Material::wood))}, {"wood floor", m(C::floor, v(Material::wood))},
    {"wooden boards", m(C::floor, v(Material::wood))}, {"floorboards", m(C::floor, v(Material::wood))},
    {"parquet", m(C::floor, v(Material::wood))}, {"wood", m(C::floor, v(Material::wood))}, {"wooden", m(C::floor, v(Material::wood))},
    {"wooden deck", m(C::floor, v(Material::wood))}, {"planks", m(C::floor, v(Material::wood))},
    {"metal floor", m(C::floor, v(Material::metal))}, {"steel floor", m(C::floor, v(Material::metal))},
    {"metal deck", m(C::floor, v(Material::metal))}, {"steel plate", m(C::floor, v(Material::metal))},
    {"metal", m(C::floor, v(Material::metal))}, {"steel", m(C::floor, v(Material::metal))}, {"iron", m(C::floor, v(Material::metal))},
    {"metallic floor", m(C::floor, v(Material::metal))}, {"metal plate", m(C::floor, v(Material::metal))},
    {"grass", m(C::floor, v(Material::grass))}, {"grassy lawn", m(C::floor, v(Material::grass))}, {"lawn", m(C::floor, v(Material::grass))},
    {"meadow", m(C::floor, v(Material::grass))}, {"grassy", m(C::floor, v(Material::grass))}, {"turf", m(C::floor, v(Material::grass))},
    {"grassy field", m(C::floor, v(Material::grass))},
    {"ice", m(C::floor, v(Material::ice))}, {"icy floor", m(C::floor, v(Material::ice))}, {"frozen pond", m(C::floor, v(Material::ice))},
    {"icy", m(C::floor, v(Material::ice))}, {"patch of ice", m(C::floor, v(Material::ice))}, {"icy patch", m(C::floor, v(Material::ice))},
    {"ice rink", m(C::floor, v(Material::ice))}, {"sheet of ice", m(C::floor, v(Material::ice))}, {"frozen", m(C::floor, v(Material::ice))},
    {"sand", m(C::floor, v(Material::sand))}, {"sandy beach", m(C::floor, v(Material::sand))}, {"beach", m(C::floor, v(Material::sand))},
    {"sandy", m(C::floor, v(Material::sand))}, {"strip of sand", m(C::floor, v(Material::sand))}, {"sandy floor", m(C::floor, v(Material::sand))},
    {"puddle", m(C::floor, v(Material::water))}, {"water", m(C::floor, v(Material::water))},
    {"puddle of water", m(C::floor, v(Material::water))}, {"wet patch", m(C::floor, v(Material::water))},
    {"puddles", m(C::floor, v(Material::water))},
    // actions
    {"rests", m(C::action, v(Action::rest))}, {"sits", m(C::action, v(Action::rest))}, {"stands", m(C::action, v(Action::rest))},
    {"resting", m(C::action, v(Action::rest))}, {"sitting", m(C::action, v(Action::rest))}, {"standing", m(C::action, v(Action::rest))},
    {"rest", m(C::action, v(Action::rest))}, {"sit", m(C::action, v(Action::rest))}, {"stand", m(C::action, v(Action::rest))},
    {"waits", m(C::action, v(Action::rest))},
    {"drops", m(C::action, v(Action::drop))}, {"falls", m(C::action, v(Action::drop))}, {"is dropped", m(C::action, v(Action::drop))},
    {"tumbles down", m(C::action, v(Action::drop))}, {"plummets", m(C::action, v(Action::drop))}, {"dropped", m(C::action, v(Action::drop))},
    {"falling", m(C::action, v(Action::drop))}, {"drop", m(C::action, v(Action::drop))}, {"fall", m(C::action, v(Action::drop))},
    {"dropping", m(C::action, v(Action::drop))}, {"falls from above", m(C::action, v(Action::drop))},
    {"lands", m(C::action, v(Action::drop))}, {"land", m(C::action, v(Action::drop))}, {"landing", m(C::action, v(Action::drop))},
    {"is thrown", m(C::action, v(Action::throw_))}, {"flies", m(C::action, v(Action::throw_))}, {"is tossed", m(C::action, v(Action::throw_))},
    {"is hurled", m(C::action, v(Action::throw_))}, {"is lobbed", m(C::action, v(Action::throw_))}, {"thrown", m(C::action, v(Action::throw_))},
    {"tossed", m(C::action, v(Action::throw_))}, {"hurled", m(C::action, v(Action::throw_))}, {"throw", m(C::action, v(Action::throw_))},
    {"throws", m(C::action, v(Action::throw_))}, {"flying", m(C::action, v(Action::throw_))},
    {"rolls", m(C::action, v(Action::roll))}, {"rolls along", m(C::action, v(Action::roll))}, {"trundles", m(C::action, v(Action::roll))},
    {"rolling", m(C::action, v(Action::roll))}, {"roll", m(C::action, v(Action::roll))},
    {"slides", m(C::action, v(Action::slide))}, {"skids", m(C::action, v(Action::slide))}, {"glides", m(C::action, v(Action::slide))},
    {"sliding", m(C::action, v(Action::slide))}, {"slide", m(C::action, v(Action::slide))},
    {"walks", m(C::action, v(Action::walk))}, {"strolls", m(C::action, v(Action::walk))}, {"ambles", m(C::action, v(Action::walk))},
    {"walking", m(C::action, v(Action::walk))}, {"walk", m(C::action, v(Action::walk))},
    {"runs", m(C::action, v(Action::run))}, {"sprints", m(C::action, v(Action::run))}, {"dashes", m(C::action, v(Action::run))},
    {"running", m(C::action, v(Action::run))}, {"run", m(C::action, v(Action::run))}, {"jogs", m(C::action, v(Action::run))},
    {"jumps", m(C::action, v(Action::jump))}, {"hops", m(C::action, v(Action::jump))}, {"leaps", m(C::action, v(Action::jump))},
    {"jumping", m(C::action, v(Action::jump))}, {"jump", m(C::action, v(Action::jump))}, {"hopping", m(C::action, v(Action::jump))},
    {"chases", m(C::action, v(Action::chase))}, {"runs after", m(C::action, v(Action::chase))}, {"goes after", m(C::action, v(Action::chase))},
    {"pursues", m(C::action, v(Action::chase))}, {"chasing", m(C::action, v(Action::chase))}, {"chase", m(C::action, v(Action::chase))},
    {"running after", m(C::action, v(Action::chase))},
    // outcomes
    {"bounces", m(C::outcome, v(Outcome::bounce))}, {"bounces high", m(C::outcome, v(Outcome::bounce))},
    {"bounces a few times", m(C::outcome, v(Outcome::bounce))}, {"rebounds", m(C::outcome, v(Outcome::bounce))},
    {"bounce", m(C::outcome, v(Outcome::bounce))}, {"bouncing", m(C::outcome, v(Outcome::bounce))},
    {"barely bounces", m(C::outcome, v(Outcome::bounce))},
    {"shatters", m(C::outcome, v(Outcome::shatter))}, {"breaks", m(C::outcome, v(Outcome::shatter))}, {"smashes", m(C::outcome, v(Outcome::shatter))},
    {"breaks into pieces", m(C::outcome, v(Outcome::shatter))}, {"smashes to pieces", m(C::outcome, v(Outcome::shatter))},
    {"shatter", m(C::outcome, v(Outcome::shatter))}, {"shattering", m(C::outcome, v(Outcome::shatter))},
    {"topples", m(C::outcome, v(Outcome::topple))}, {"is knocked over", m(C::outcome, v(Outcome::topple))},
    {"knocked over", m(C::outcome, v(Outcome::topple))}, {"tumbles", m(C::outcome, v(Outcome::topple))},
    {"collapses", m(C::outcome, v(Outcome::topple))}, {"topple", m(C::outcome, v(Outcome::topple))}, {"toppling", m(C::outcome, v(Outcome::topple))},
    {"knocking it over", m(C::outcome, v(Outcome::topple))}, {"knocking them over", m(C::outcome, v(Outcome::topple))},
    {"comes crashing down", m(C::outcome, v(Outcome::topple))}, {"knocks over", m(C::outcome, v(Outcome::topple))}, {"tips over", m(C::outcome, v(Outcome::topple))},
    {"slips and falls", m(C::outcome, v(Outcome::fall))}, {"slips", m(C::outcome, v(Outcome::fall))},
    {"loses its footing", m(C::outcome, v(Outcome::fall))}, {"falls over", m(C::outcome, v(Outcome::fall))},
    {"slipping", m(C::outcome, v(Outcome::fall))}, {"lies where it fell", m(C::outcome, v(Outcome::fall))},
    {"lies sprawled", m(C::outcome, v(Outcome::fall))},
    {"trips and falls", m(C::outcome, v(Outcome::trip))}, {"trips", m(C::outcome, v(Outcome::trip))},
    {"stumbles and falls", m(C::outcome, v(Outcome::trip))}, {"stumbles", m(C::outcome, v(Outcome::trip))},
    {"trips over", m(C::outcome, v(Outcome::trip))}, {"stumbles over", m(C::outcome, v(Outcome::trip))}, {"fallen", m(C::outcome, v(Outcome::fall))},
    {"collide", m(C::outcome, v(Outcome::collide))}, {"collides", m(C::outcome, v(Outcome::collide))},
    {"crash into each other", m(C::outcome, v(Outcome::collide))}, {"hits", m(C::outcome, v(Outcome::collide))},
    {"strikes", m(C::outcome, v(Outcome::collide))}, {"knocks into", m(C::outcome, v(Outcome::collide))},
    {"bump into each other", m(C::outcome, v(Outcome::collide))}, {"collide with", m(C::outcome, v(Outcome::collide))},
    {"collides with", m(C::outcome, v(Outcome::collide))}, {"bumps into", m(C::outcome, v(Outcome::collide))},
    {"lies still", m(C::outcome, v(Outcome::lie_still))}, {"comes to rest", m(C::outcome, v(Outcome::lie_still))},
    {"lies", m(C::outcome, v(Outcome::lie_still))}, {"lie", m(C::outcome, v(Outcome::lie_still))},
    {"lie still", m(C::outcome, v(Outcome::lie_still))}, {"settles", m(C::outcome, v(Outcome::lie_still))},
    {"lies in pieces", m(C::outcome, v(Outcome::in_pieces))}, {"in pieces", m(C::outcome, v(Outcome::in_pieces))},
    {"broken", m(C::outcome, v(Outcome::in_pieces))}, {"shards", m(C::outcome, v(Outcome::in_pieces))},
    {"fragments", m(C::outcome, v(Outcome::in_pieces))}, {"shattered", m(C::outcome, v(Outcome::in_pieces))},
    {"intact", m(C::outcome, v(Outcome::intact))}, {"unbroken", m(C::outcome, v(Outcome::intact))},
    {"gently", m(C::outcome, v(Outcome::intact))},  // "a glass lands gently": it does not break
    {"survives", m(C::outcome, v(Outcome::intact))}, {"in one piece", m(C::outcome, v(Outcome::intact))},
    // camera
    {"static camera", m(C::camera, v(CameraMove::static_))}, {"the camera holds still", m(C::camera, v(CameraMove::static_))},
    {"fixed camera", m(C::camera, v(CameraMove::static_))}, {"locked off shot", m(C::camera, v(CameraMove::static_))},
    {"static shot", m(C::camera, v(CameraMove::static_))}, {"still camera", m(C::camera, v(CameraMove::static_))},
    {"camera holds still", m(C::camera, v(CameraMove::static_))}, {"static", m(C::camera, v(CameraMove::static_))},
    {"pans left", m(C::camera, v(CameraMove::pan_left))}, {"pan left", m(C::camera, v(CameraMove::pan_left))},
    {"panning left", m(C::camera, v(CameraMove::pan_left))}, {"pans to the left", m(C::camera, v(CameraMove::pan_left))},
    {"pan to the left", m(C::camera, v(CameraMove::pan_left))}, {"panning to the left", m(C::camera, v(CameraMove::pan_left))},
    {"pans right", m(C::camera, v(CameraMove::pan_right))}, {"pan right", m(C::camera, v(CameraMove::pan_right))},
    {"panning right", m(C::camera, v(CameraMove::pan_right))}, {"pans to the right", m(C::camera, v(CameraMove::pan_right))},
    {"pan to the right", m(C::camera, v(CameraMove::pan_right))}, {"panning to the right", m(C::camera, v(CameraMove::pan_right))},
    {"zooms in", m(C::camera, v(CameraMove::zoom_in))}, {"zoom in", m(C::camera, v(CameraMove::zoom_in))},
    {"zooming in", m(C::camera, v(CameraMove::zoom_in))}, {"pushes in", m(C::camera, v(CameraMove::zoom_in))},
    {"push in", m(C::camera, v(CameraMove::zoom_in))}, {"slow zoom in", m(C::camera, v(CameraMove::zoom_in))},
    {"zooms out", m(C::camera, v(CameraMove::zoom_out))}, {"zoom out", m(C::camera, v(CameraMove::zoom_out))},
    {"zooming out", m(C::camera, v(CameraMove::zoom_out))}, {"pulls back", m(C::camera, v(CameraMove::zoom_out))},
    {"pull back", m(C::camera, v(CameraMove::zoom_out))}, {"pulls out", m(C::camera, v(CameraMove::zoom_out))},
    {"slow zoom out", m(C::camera, v(CameraMove::zoom_out))},
    {"follows", m(C::camera, v(CameraMove::follow))}, {"follow", m(C::camera, v(CameraMove::follow))},
    {"following", m(C::camera, v(CameraMove::follow))}, {"tracks", m(C::camera, v(CameraMove::follow))},
    {"tracking", m(C::camera, v(CameraMove::follow))}, {"tracking shot following", m(C::camera, v(CameraMove::follow))},
    {"tracking shot of", m(C::camera, v(CameraMove::follow))},
    // time of day and its changes
    {"day", m(C::time, v(TimeOfDay::day))}, {"daylight", m(C::time, v(TimeOfDay::day))}, {"daytime", m(C::time, v(TimeOfDay::day))},
    {"midday", m(C::time, v(TimeOfDay::day))}, {"noon", m(C::time, v(TimeOfDay::day))}, {"bright day", m(C::time, v(TimeOfDay::day))},
    {"sunny day", m(C::time, v(TimeOfDay::day))}, {"morning", m(C::time, v(TimeOfDay::day))}, {"afternoon", m(C::time, v(TimeOfDay::day))},
    {"sunset", m(C::time, v(TimeOfDay::sunset))}, {"dusk", m(C::time, v(TimeOfDay::sunset))}, {"evening", m(C::time, v(TimeOfDay::sunset))},
    {"golden hour", m(C::time, v(TimeOfDay::sunset))}, {"sundown", m(C::time, v(TimeOfDay::sunset))}, {"twilight", m(C::time, v(TimeOfDay::sunset))},
    {"evening glow", m(C::time, v(TimeOfDay::sunset))},
    {"night", m(C::time, v(TimeOfDay::night))}, {"nighttime", m(C::time, v(TimeOfDay::night))}, {"moonlight", m(C::time, v(TimeOfDay::night))},
    {"under the stars", m(C::time, v(TimeOfDay::night))}, {"midnight", m(C::time, v(TimeOfDay::night))},
    {"in the dark", m(C::time, v(TimeOfDay::night))}, {"dark night", m(C::time, v(TimeOfDay::night))},
    {"as the sun sets", m(C::light_change, v(LightChange::sundown))}, {"as the sun goes down", m(C::light_change, v(LightChange::sundown))},
    {"the sun sinks", m(C::light_change, v(LightChange::sundown))},
    {"as the sunset deepens", m(C::light_change, v(LightChange::deepen))}, {"the sunset deepens", m(C::light_change, v(LightChange::deepen))},
    {"deepening sunset", m(C::light_change, v(LightChange::deepen))}, {"as the light fades", m(C::light_change, v(LightChange::deepen))},
    {"fading light", m(C::light_change, v(LightChange::deepen))},
    {"as night falls", m(C::light_change, v(LightChange::nightfall))}, {"night falls", m(C::light_change, v(LightChange::nightfall))},
    {"nightfall", m(C::light_change, v(LightChange::nightfall))}, {"as darkness falls", m(C::light_change, v(LightChange::nightfall))},
    // styles
    {"cartoon", m(C::style, v(Style::cartoon))}, {"flat cartoon", m(C::style, v(Style::cartoon))}, {"cartoon style", m(C::style, v(Style::cartoon))},
    {"flat cartoon style", m(C::style, v(Style::cartoon))}, {"cartoonish", m(C::style, v(Style::cartoon))},
    {"simple flat cartoon", m(C::style, v(Style::cartoon))}, {"flat", m(C::style, v(Style::cartoon))},
    {"realistic", m(C::style, v(Style::realistic))}, {"realistic style", m(C::style, v(Style::realistic))},
    {"shaded realistic", m(C::style, v(Style::realistic))}, {"lifelike", m(C::style, v(Style::realistic))},
    {"photorealistic", m(C::style, v(Style::realistic))}, {"shaded", m(C::style, v(Style::realistic))},
    {"realistic rendering", m(C::style, v(Style::realistic))},
    {"anime", m(C::style, v(Style::anime))}, {"anime style", m(C::style, v(Style::anime))}, {"cel shaded", m(C::style, v(Style::anime))},
    {"cel shading", m(C::style, v(Style::anime))}, {"cel shaded anime", m(C::style, v(Style::anime))}, {"manga", m(C::style, v(Style::anime))},
    {"neon", m(C::style, v(Style::neon))}, {"neon retro", m(C::style, v(Style::neon))}, {"retro neon", m(C::style, v(Style::neon))},
    {"synthwave", m(C::style, v(Style::neon))}, {"glowing neon", m(C::style, v(Style::neon))}, {"neon glow", m(C::style, v(Style::neon))},
    {"pixel art", m(C::style, v(Style::pixel))}, {"pixel", m(C::style, v(Style::pixel))}, {"8 bit", m(C::style, v(Style::pixel))},
    {"pixelated", m(C::style, v(Style::pixel))}, {"retro pixel", m(C::style, v(Style::pixel))}, {"16 bit", m(C::style, v(Style::pixel))},
    {"8 bit pixel art", m(C::style, v(Style::pixel))}, {"pixel art style", m(C::style, v(Style::pixel))},
    // sounds
    {"clang", m(C::sound, v(Sound::clang))}, {"clangs", m(C::sound, v(Sound::clang))}, {"metallic clang", m(C::sound, v(Sound::clang))},
    {"ringing clang", m(C::sound, v(Sound::clang))}, {"clank", m(C::sound, v(Sound::clang))}, {"clanks", m(C::sound, v(Sound::clang))},
    {"ringing", m(C::sound, v(Sound::clang))}, {"rings", m(C::sound, v(Sound::clang))}, {"clanking", m(C::sound, v(Sound::clang))},
    {"knock", m(C::sound, v(Sound::knock))}, {"knocks", m(C::sound, v(Sound::knock))}, {"wooden knock", m(C::sound, v(Sound::knock))},
    {"clack", m(C::sound, v(Sound::knock))}, {"clatter", m(C::sound, v(Sound::knock))}, {"clatters", m(C::sound, v(Sound::knock))},
    {"knocking", m(C::sound, v(Sound::knock))},
    {"thud", m(C::sound, v(Sound::thud)), }, {"thuds", m(C::sound, v(Sound::thud))}, {"dull thud", m(C::sound, v(Sound::thud))},
    {"thump", m(C::sound, v(Sound::thump))}, {"soft thump", m(C::sound, v(Sound::thump))}, {"thumps", m(C::sound, v(Sound::thump))},
    {"crunch", m(C::sound, v(Sound::crunch))}, {"crunches", m(C::sound, v(Sound::crunch))}, {"crunching", m(C::sound, v(Sound::crunch))},
    {"swish", m(C::sound, v(Sound::swish))}, {"swishes", m(C::sound, v(Sound::swish))}, {"rustle", m(C::sound, v(Sound::swish))},
    {"rustling", m(C::sound, v(Sound::swish))}, {"swishing", m(C::sound, v(Sound::swish))},
    {"splash", m(C::sound, v(Sound::splash))}, {"splashes", m(C::sound, v(Sound::splash))}, {"splashing", m(C::sound, v(Sound::splash))},
    {"tick", m(C::sound, v(Sound::tick))}, {"ticks", m(C::sound, v(Sound::tick))}, {"click", m(C::sound, v(Sound::tick))},
    {"clicks", m(C::sound, v(Sound::tick))}, {"ticking", m(C::sound, v(Sound::tick))},
    {"crash", m(C::sound, v(Sound::crash))}, {"smash", m(C::sound, v(Sound::crash))}, {"shattering crash", m(C::sound, v(Sound::crash))},
    {"tinkle", m(C::sound, v(Sound::tinkle))}, {"tinkling", m(C::sound, v(Sound::tinkle))}, {"chime", m(C::sound, v(Sound::tinkle))},
    {"rumble", m(C::sound, v(Sound::rumble))}, {"rolling rumble", m(C::sound, v(Sound::rumble))}, {"rumbling", m(C::sound, v(Sound::rumble))},
    {"scrape", m(C::sound, v(Sound::scrape))}, {"scraping", m(C::sound, v(Sound::scrape))}, {"scrapes", m(C::sound, v(Sound::scrape))},
    {"grinding", m(C::sound, v(Sound::scrape))},
    {"footsteps", m(C::sound, v(Sound::footsteps))}, {"footstep", m(C::sound, v(Sound::footsteps))}, {"steps", m(C::sound, v(Sound::footsteps))},
    {"patter", m(C::sound, v(Sound::footsteps))}, {"pattering", m(C::sound, v(Sound::footsteps))},
    {"birdsong", m(C::sound, v(Sound::birdsong))}, {"birds", m(C::sound, v(Sound::birdsong))}, {"birds singing", m(C::sound, v(Sound::birdsong))},
    {"chirping birds", m(C::sound, v(Sound::birdsong))},
    {"crickets", m(C::sound, v(Sound::crickets))}, {"chirping crickets", m(C::sound, v(Sound::crickets))},
    {"crickets chirping", m(C::sound, v(Sound::crickets))},
    {"waves", m(C::sound, v(Sound::waves))}, {"surf", m(C::sound, v(Sound::waves))}, {"lapping waves", m(C::sound, v(Sound::waves))},
    {"wind", m(C::sound, v(Sound::wind))}, {"breeze", m(C::sound, v(Sound::wind))}, {"howling wind", m(C::sound, v(Sound::wind))},
    {"gusts", m(C::sound, v(Sound::wind))},
    {"hum", m(C::sound, v(Sound::hum))}, {"humming", m(C::sound, v(Sound::hum))}, {"machine hum", m(C::sound, v(Sound::hum))},
    {"low hum", m(C::sound, v(Sound::hum))}, {"buzz", m(C::sound, v(Sound::hum))},
    {"silence", m(C::sound, v(Sound::quiet))}, {"quiet", m(C::sound, v(Sound::quiet))}, {"room tone", m(C::sound, v(Sound::quiet))},
    {"hush", m(C::sound, v(Sound::quiet))}, {"quiet room", m(C::sound, v(Sound::quiet))},
    // stacks, counts, directions
    {"stack of", m(C::stack)}, {"tower of", m(C::stack)}, {"pile of", m(C::stack)}, {"stack", m(C::stack)}, {"tower", m(C::stack)},
    {"pile", m(C::stack)}, {"stacked", m(C::stack)},
    {"one", m(C::count, 1)}, {"two", m(C::count, 2)}, {"three", m(C::count, 3)}, {"four", m(C::count, 4)}, {"a pair of", m(C::count, 2)},
    {"1", m(C::count, 1)}, {"2", m(C::count, 2)}, {"3", m(C::count, 3)}, {"4", m(C::count, 4)},
    {"to the left", m(C::direction, -1)}, {"to the right", m(C::direction, 1)}, {"leftward", m(C::direction, -1)},
    {"rightward", m(C::direction, 1)}, {"left", m(C::direction, -1)}, {"right", m(C::direction, 1)},
    // known words without meaning of their own
    {"a", m(C::filler)}, {"an", m(C::filler)}, {"the", m(C::filler)}, {"and", m(C::filler)}, {"with", m(C::filler)},
    {"on", m(C::filler)}, {"onto", m(C::filler)}, {"into", m(C::filler)}, {"in", m(C::filler)}, {"at", m(C::filler)},
    {"across", m(C::filler)}, {"along", m(C::filler)}, {"of", m(C::filler)}, {"to", m(C::filler)}, {"from", m(C::filler)},
    {"by", m(C::filler)}, {"as", m(C::filler)}, {"while", m(C::filler)}, {"its", m(C::filler)}, {"it", m(C::filler)},
    {"is", m(C::filler)}, {"are", m(C::filler)}, {"then", m(C::filler)}, {"which", m(C::filler)}, {"that", m(C::filler)},
    {"this", m(C::filler)}, {"over", m(C::filler)}, {"under", m(C::filler)}, {"through", m(C::filler)}, {"towards", m(C::filler)},
    {"toward", m(C::filler)}, {"floor", m(C::filler)}, {"ground", m(C::filler)}, {"surface", m(C::filler)}, {"camera", m(C::filler)},
    {"shot", m(C::filler)}, {"style", m(C::filler)}, {"look", m(C::filler)}, {"sound", m(C::filler)}, {"sounds", m(C::filler)},
    {"scene", m(C::filler)}, {"background", m(C::filler)}, {"few", m(C::filler)}, {"times", m(C::filler)}, {"high", m(C::filler)},
    {"hard", m(C::filler)}, {"off", m(C::filler)}, {"up", m(C::filler)}, {"down", m(C::filler)}, {"away", m(C::filler)},
    {"after", m(C::filler)}, {"before", m(C::filler)}, {"each", m(C::filler)}, {"other", m(C::filler)}, {"together", m(C::filler)},
    {"slowly", m(C::filler)}, {"quickly", m(C::filler)}, {"fast", m(C::filler)},
    {"where", m(C::filler)}, {"there", m(C::filler)}, {"them", m(C::filler)},
    {"they", m(C::filler)}, {"keeps", m(C::filler)}, {"keep", m(C::filler)}, {"still", m(C::filler)}, {"patch", m(C::filler)},
    {"strip", m(C::filler)}, {"against", m(C::filler)}, {"near", m(C::filler)}, {"beside", m(C::filler)}, {"around", m(C::filler)},
    {"loud", m(C::filler)}, {"soft", m(C::filler)}, {"sharp", m(C::filler)}, {"dull", m(C::filler)}, {"low", m(C::filler)},
    {"rendered", m(C::filler)}, {"rendering", m(C::filler)}, {"seen", m(C::filler)}, {"heard", m(C::filler)}, {"you", m(C::filler)},
    {"can", m(C::filler)}, {"hear", m(C::filler)}, {"echo", m(C::filler)}, {"echoes", m(C::filler)}, {"distant", m(C::filler)},
    {"faint", m(C::filler)}, {"its way", m(C::filler)}, {"all", m(C::filler)}, {"so", m(C::filler)}, {"side", m(C::filler)},
    {"view", m(C::filler)}, {"frame", m(C::filler)}, {"now", m(C::filler)}, {"again", m(C::filler)}, {"once", m(C::filler)},
    {"above", m(C::filler)}, {"below", m(C::filler)}, {"pieces", m(C::filler)}, {"piece", m(C::filler)}, {"just", m(C::filler)},
    {"nearby", m(C::filler)}, {"about", m(C::filler)}, {"bright", m(C::filler)}, {"dark", m(C::filler)}, {"sending", m(C::filler)},
    {"sends", m(C::filler)}, {"when", m(C::filler)}, {"until", m(C::filler)}, {"sun", m(C::filler)}, {"sky", m(C::filler)},
    {"but", m(C::filler)}, {"during", m(C::filler)}, {"we", m(C::filler)}, {"be", m(C::filler)}, {"stays", m(C::filler)}, {"ahead", m(C::filler)}, {"there is", m(C::filler)}, {"heap", m(C::filler)},
    {"scattered", m(C::filler)}, {"he", m(C::filler)}, {"she", m(C::filler)}, {"his", m(C::filler)}, {"her", m(C::filler)},
};

}  // namespace

std::span<const Phrase> vocabulary() { return kPhrases; }

std::vector<std::string_view> phrases_for(Concept what, int value) {
  std::vector<std::string_view> out;
  for (const Phrase& p : kPhrases)
    if (p.meaning.what == what && p.meaning.value == value) out.push_back(p.text);
  return out;
}

std::string_view name(Outcome outcome) {
  static constexpr std::string_view names[] = {"bounce", "shatter", "topple", "fall", "trip", "collide", "lie_still", "in_pieces", "intact"};
  return names[static_cast<int>(outcome)];
}

std::string_view name(Sound sound) {
  static constexpr std::string_view names[] = {"clang", "knock", "thud", "thump", "crunch", "swish", "splash", "tick", "crash", "tinkle",
                                               "rumble", "scrape", "footsteps", "birdsong", "crickets", "waves", "wind", "hum", "quiet"};
  return names[static_cast<int>(sound)];
}

std::string describe(const Meaning& m) {
  auto with = [](const char* what, std::string_view value) { return std::string(what) + " " + std::string(value); };
  switch (m.what) {
    case Concept::colour: return with("colour", name(static_cast<Colour>(m.value)));
    case Concept::size: return with("size", name(static_cast<Size>(m.value)));
    case Concept::kind:
    case Concept::kinds: return with("kind", name(static_cast<Kind>(m.value)));
    case Concept::floor: return with("ground", name(static_cast<Material>(m.value)));
    case Concept::action: return with("action", name(static_cast<Action>(m.value)));
    case Concept::outcome: return with("outcome", name(static_cast<Outcome>(m.value)));
    case Concept::camera: return with("camera", name(static_cast<CameraMove>(m.value)));
    case Concept::time: return with("time", name(static_cast<TimeOfDay>(m.value)));
    case Concept::light_change: {
      static constexpr std::string_view names[] = {"sundown", "deepen", "nightfall"};
      return with("light", names[m.value]);
    }
    case Concept::style: return with("style", name(static_cast<Style>(m.value)));
    case Concept::sound: return with("sound", name(static_cast<Sound>(m.value)));
    case Concept::stack: return "stack";
    case Concept::count: return "count " + std::to_string(m.value);
    case Concept::direction: return m.value < 0 ? "direction left" : "direction right";
    case Concept::outfit: return "outfit";
    case Concept::filler: return "filler";
  }
  return "filler";
}

}  // namespace kinema::world
